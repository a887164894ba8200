import { setImmediate as yieldToEventLoop } from "node:timers/promises";

import { hearingOf, removalSuperseded } from "@/lib/chat/audience";
import { announceTyping, markRead } from "@/lib/chat/awareness";
import { trackPresence, untrackPresence } from "@/lib/chat/presence";
import { getConversation, listConversations, requireMembership } from "@/lib/chat/conversations";
import { DomainError } from "@/lib/chat/errors";
import { eventsAfter } from "@/lib/chat/events";
import { addMembers, removeMember, renameGroup, type ChangedGroup } from "@/lib/chat/groups";
import { deleteMessage, editMessage, reactToMessage, type ChangedMessage } from "@/lib/chat/message-actions";
import { sendMessage } from "@/lib/chat/messages";
import type { ConversationDto, MessageDto } from "@/lib/chat/present";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import type { Announcement, Signal, StoredEvent } from "@/lib/db/repository";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { retryAfterSeconds } from "@/lib/ratelimit";
import { admit } from "@/lib/ratelimit/gate";
import { OrderedFeed } from "@/lib/stream/feed";
import { eventFrame } from "@/lib/realtime/frames";
import { getHub, type HubListener } from "@/lib/realtime/hub";
import { parseClientFrame, type ClientFrame, type FrameIds, type SyncFrame } from "@/lib/realtime/protocol";
import type { ErrorFrame, ServerFrame } from "@/lib/realtime/wire";

/** Events per conversation one sync frame replays; past it, `more` tells the client to ask again. */
const SYNC_LIMIT_PER_CONVERSATION = 1000;
const PAGE = 200;

/** Where frames to one client go: a WebSocket, or a Server-Sent Events response. */
export interface Transport {
  send(data: string): void;
  /** Bytes accepted by send() but not yet written to the network. */
  readonly bufferedAmount: number;
  readonly open: boolean;
  /** Drops the client at once: it stopped reading. */
  terminate(): void;
}

interface SyncTarget {
  id: string;
  cursor: number;
}

/** Where each connection's queues start: one settled promise for all, not one each. */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * One client of one user. Everything it is sent about a conversation passes the connection's
 * ordered feed, so live events, gap fills and sync replays reach it exactly once and in seq
 * order whatever order they race in. Work that reads the database runs on one queue; a live
 * event that is next in line while nothing is queued is sent at once.
 */
export class ClientConnection implements HubListener {
  private readonly feed = new OrderedFeed();
  /**
   * The conversations the user was removed from, by the seq of the removal: until an event adds
   * them back, nothing more of them is sent. Made on the first removal: most connections never see one.
   */
  private removedAt: Map<string, number> | undefined;
  private queued = 0;
  private outbound = SETTLED;
  private inbound = SETTLED;
  private closed = false;

  constructor(
    readonly userId: string,
    private readonly transport: Transport,
    private readonly maxBufferedBytes: number,
  ) {
    getHub().subscribe(userId, this);
    trackPresence(userId);
  }

  /** Stops the live events and counts the user's connection gone; once, however often it is called. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    getHub().unsubscribe(this.userId, this);
    untrackPresence(this.userId);
  }

  /** Handles one frame from the client (a binary one is refused); frames are handled one after another, in order. */
  receive(text: string, binary = false): Promise<void> {
    metrics.websocketFramesReceived.inc();
    this.inbound = this.inbound
      .then(() => this.handleText(text, binary))
      .catch((error: unknown) => this.fail(error))
      // One frame per turn of the event loop: a client sending a burst cannot starve the others.
      .then(() => yieldToEventLoop());
    return this.inbound;
  }

  /** Replays what the client missed (see SyncFrame) and answers `synced`. */
  sync(frame: Omit<SyncFrame, "type">): Promise<void> {
    return this.enqueue(() => this.replayAll(frame));
  }

  /** A stored event of one of the user's conversations, from the hub. */
  event({ event }: Announcement): void {
    if (this.queued === 0) {
      const admission = this.feed.admit(event.conversationId, event.seq);
      if (admission.kind === "duplicate") return;
      if (admission.kind === "deliver") return this.sendEvent(event);
    }
    this.enqueue(() => this.deliverLive(event)).catch((error: unknown) => this.fail(error));
  }

  /** A signal (read marker, typing, presence) for the user, from the hub. */
  signal(payload: Signal["payload"]): void {
    this.send(JSON.stringify(payload));
  }

  /** Runs task after everything queued before it; its failure is the caller's, the queue goes on. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queued++;
    const result = this.outbound.then(task).finally(() => {
      this.queued--;
    });
    this.outbound = result.catch(() => undefined);
    return result;
  }

  private fail(error: unknown): void {
    log("error", "live connection error", { userId: this.userId, error: error instanceof Error ? error.message : String(error) });
  }

  private send(frame: string | ServerFrame): void {
    if (!this.transport.open) return;
    if (this.transport.bufferedAmount > this.maxBufferedBytes) {
      // The client stopped reading; holding its output would only grow memory for everyone.
      log("warn", "slow consumer dropped", { userId: this.userId, buffered: this.transport.bufferedAmount });
      this.transport.terminate();
      return;
    }
    this.transport.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    metrics.websocketFramesSent.inc();
  }

  /**
   * Sends the event as this user hears it. The event that removes them is sent as
   * `conversation_removed`, after everything sent before it; from then on, until an event adds
   * them back, nothing of that conversation is sent. The feed counts the removal as delivered,
   * so what a member added back missed meanwhile is filled in, in order, once. A removal they
   * were added back after (`superseded`, found by a replay) is sent as the event it is.
   */
  private sendEvent(event: StoredEvent, superseded = false): void {
    const hearing = superseded ? "event" : hearingOf(event, this.userId);
    const removedAt = this.removedAt?.get(event.conversationId);
    if (removedAt !== undefined) {
      if (event.seq <= removedAt || hearing !== "added") return;
      this.removedAt?.delete(event.conversationId);
    }
    if (hearing === "removed") {
      (this.removedAt ??= new Map()).set(event.conversationId, event.seq);
      this.send({ type: "conversation_removed", conversation_id: event.conversationId, seq: event.seq });
    } else {
      this.send(eventFrame(event));
    }
    this.feed.record(event.conversationId, event.seq);
    if (event.message) metrics.messageDeliverySeconds.observe((Date.now() - Date.parse(event.createdAt)) / 1000);
  }

  private async deliverLive(event: StoredEvent): Promise<void> {
    // Added back: the events they missed while out are theirs again, and go out before this one.
    if (hearingOf(event, this.userId) === "added") this.removedAt?.delete(event.conversationId);
    const admission = this.feed.admit(event.conversationId, event.seq);
    if (admission.kind === "duplicate") return;
    if (admission.kind === "gap") await this.replay(event.conversationId, admission.after, admission.until);
    if (this.feed.admit(event.conversationId, event.seq).kind === "deliver") this.sendEvent(event);
  }

  /** Sends the stored events (after, until], at most `budget` of them; returns how many it sent. */
  private async replay(conversationId: string, after: number, until: number, budget = Infinity): Promise<number> {
    let cursor = after;
    let sent = 0;
    while (cursor < until && sent < budget) {
      const page = await eventsAfter(conversationId, cursor, Math.min(PAGE, until - cursor, budget - sent));
      for (const event of page) this.sendEvent(event, await removalSuperseded(event, this.userId));
      sent += page.length;
      if (page.length === 0) break;
      cursor = page[page.length - 1]!.seq;
    }
    return sent;
  }

  /** The conversations a sync covers, each with the client's cursor capped at its newest seq. */
  private async syncTargets(frame: Omit<SyncFrame, "type">): Promise<SyncTarget[]> {
    const conversations =
      frame.conversation_id === undefined
        ? await listConversations(this.userId)
        : [await getConversation(this.userId, frame.conversation_id)];
    return conversations.map(({ id, last_seq }) => {
      const cursor = (frame.conversation_id === undefined ? undefined : frame.after_seq) ?? frame.cursors?.[id] ?? 0;
      return { id, cursor: Math.min(cursor, last_seq) };
    });
  }

  /**
   * Every event after each cursor, exactly once on this connection: what it already sent live
   * is skipped, what lies below what it sent is replayed. A cursor is capped at the newest
   * stored seq, so a client that claims more than exists cannot make the connection skip events.
   */
  private async replayAll(frame: Omit<SyncFrame, "type">): Promise<void> {
    const cursors: Record<string, number> = {};
    const more: string[] = [];
    for (const { id, cursor } of await this.syncTargets(frame)) {
      // A member now, so a removal this connection heard before was undone since: the replay
      // tells them everything after the cursor, their removal and what followed it included.
      this.removedAt?.delete(id);
      const plan = this.feed.replayPlan(id, cursor);
      this.feed.holdsUpTo(id, cursor);
      for (const range of plan) {
        const upward = range.until === Infinity;
        const budget = upward ? SYNC_LIMIT_PER_CONVERSATION : Infinity;
        if ((await this.replay(id, range.after, range.until, budget)) === SYNC_LIMIT_PER_CONVERSATION && upward) more.push(id);
      }
      // Removed mid-replay: the removal was the last frame about it, so the sync does not name it.
      if (this.removedAt?.has(id)) continue;
      this.feed.cover(id, cursor);
      cursors[id] = this.feed.high(id) ?? cursor;
    }
    this.send({ type: "synced", cursors, more });
  }

  private async handleText(text: string, binary: boolean): Promise<void> {
    const parsed = parseClientFrame(text, binary);
    try {
      // Every frame but a ping passes the gate, refused ones too: answering them costs as much.
      if (!(parsed.ok && parsed.frame.type === "ping") && (await this.refusedByLimit(parsed.ids))) return;
      if (!parsed.ok) return this.send(parsed.error);
      await this.handle(parsed.frame);
    } catch (error) {
      this.send(this.errorFrame(error, parsed.ids));
    }
  }

  /** Every failure answers: a broken rule says what, an unreachable database says to retry. */
  private errorFrame(error: unknown, ids: FrameIds): ErrorFrame {
    if (error instanceof DomainError) return { type: "error", reason: error.message, ...ids };
    if (isDatabaseUnavailable(error)) {
      return { type: "error", reason: "The database is unavailable; retry shortly", retry_after: 1, ...ids };
    }
    this.fail(error);
    return { type: "error", reason: "Internal error; retry shortly", retry_after: 1, ...ids };
  }

  /** Writes are limited per user; past the limit the frame is answered with when to retry. */
  private async refusedByLimit(ids: FrameIds): Promise<boolean> {
    const decision = await admit("ws", { userId: this.userId });
    if (decision.allowed) return false;
    const retryAfter = retryAfterSeconds(decision);
    this.send({ type: "error", reason: `Too many frames, retry in ${retryAfter} s`, ...ids, retry_after: retryAfter });
    return true;
  }

  private async handle(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case "join":
        await requireMembership(frame.conversation_id, this.userId);
        return this.send({ type: "joined", conversation_id: frame.conversation_id });
      case "message": {
        // The socket's session was checked as it opened, and the socket closes when it ends.
        const { message, created } = await sendMessage(this.userId, frame, null);
        if (!created) await this.enqueue(() => this.answerRetry(message));
        return;
      }
      case "edit":
      case "delete":
      case "react": {
        const { message, changed } = await this.changeMessage(frame);
        // A change is answered by its event; one that changed nothing has none, so it is answered here.
        if (!changed) this.send({ type: "unchanged", message });
        return;
      }
      case "rename":
      case "add_members":
      case "remove_member": {
        const { conversation, changed } = await this.changeGroup(frame);
        // As with messages: a change is answered by its event, one that changed nothing here.
        if (!changed && conversation) this.send({ type: "unchanged", conversation });
        return;
      }
      case "sync":
        return this.sync(frame);
      case "ping":
        return this.send({ type: "pong" });
      case "read": {
        // A marker that moved reaches every member's clients, this one included; one that did
        // not is answered here alone.
        const { receipt, changed } = await markRead(this.userId, frame.conversation_id, frame.seq);
        if (!changed) this.send(receipt);
        return;
      }
      case "typing":
        return announceTyping(this.userId, frame.conversation_id);
    }
  }

  private changeMessage(frame: Extract<ClientFrame, { type: "edit" | "delete" | "react" }>): Promise<ChangedMessage> {
    switch (frame.type) {
      case "edit":
        return editMessage(this.userId, frame.id, frame.content);
      case "delete":
        return deleteMessage(this.userId, frame.id);
      case "react":
        return reactToMessage(this.userId, frame.id, frame.emoji, frame.on);
    }
  }

  private changeGroup(frame: Extract<ClientFrame, { type: "rename" | "add_members" | "remove_member" }>): Promise<ChangedGroup<ConversationDto | null>> {
    switch (frame.type) {
      case "rename":
        return renameGroup(this.userId, frame.conversation_id, frame);
      case "add_members":
        return addMembers(this.userId, frame.conversation_id, frame);
      case "remove_member":
        return removeMember(this.userId, frame.conversation_id, frame.user_id);
    }
  }

  /**
   * A retried message_id stored nothing new, so nothing was announced: the retrying client is
   * answered with the stored message, marked as a retry's answer if its event was sent before.
   */
  private async answerRetry(message: MessageDto): Promise<void> {
    if (this.feed.admit(message.conversation_id, message.seq).kind === "duplicate") {
      this.send({ type: "message", message, retried: true });
      return;
    }
    const [event] = await eventsAfter(message.conversation_id, message.seq - 1, 1);
    if (event) await this.deliverLive(event);
  }
}
