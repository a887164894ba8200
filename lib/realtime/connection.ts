import { setImmediate as yieldToEventLoop } from "node:timers/promises";

import type { RawData, WebSocket } from "ws";

import { listConversations, requireMembership } from "@/lib/chat/conversations";
import { DomainError } from "@/lib/chat/errors";
import { sendMessage } from "@/lib/chat/messages";
import { presentMessage, type MessageDto } from "@/lib/chat/present";
import { describeZodError } from "@/lib/chat/schemas";
import { getRepository } from "@/lib/db";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { retryAfterSeconds } from "@/lib/ratelimit";
import { admit } from "@/lib/ratelimit/gate";
import { getHub } from "@/lib/realtime/hub";
import { clientFrameSchema, messageFrame, type ClientFrame, type ServerFrame, type SyncFrame } from "@/lib/realtime/protocol";

/** Messages per conversation one sync frame replays; past it, `more` tells the client to ask again. */
const SYNC_LIMIT_PER_CONVERSATION = 1000;
const PAGE = 200;

/**
 * One open WebSocket of one user. Everything sent to it goes through a single queue, and per
 * conversation it remembers the last sequence number sent, so live broadcasts and catch-up
 * replays reach the client exactly once and in order; a gap is filled from the database.
 */
export class ClientConnection {
  private readonly delivered = new Map<string, number>();
  private outbound: Promise<void> = Promise.resolve();
  private inbound: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  alive = true;

  constructor(
    private readonly socket: WebSocket,
    readonly userId: string,
    private readonly maxBufferedBytes: number,
  ) {
    this.unsubscribe = getHub().subscribe(userId, (event) => {
      this.enqueue(async () => {
        if (await this.deliver(event.message)) {
          metrics.messageDeliverySeconds.observe((Date.now() - Date.parse(event.message.created_at)) / 1000);
        }
      }).catch((error: unknown) => this.fail(error));
    });
    socket.on("message", (data, isBinary) => {
      metrics.websocketFramesReceived.inc();
      this.inbound = this.inbound
        .then(() => this.receive(data, isBinary))
        .catch((error: unknown) => this.fail(error))
        // One frame per turn of the event loop: a client sending a burst cannot starve the others.
        .then(() => yieldToEventLoop());
    });
    socket.on("pong", () => {
      this.alive = true;
    });
    socket.on("close", () => this.unsubscribe());
  }

  /** Heartbeat: a connection that did not answer the previous ping is dead. */
  ping(): void {
    if (!this.alive) {
      log("info", "ws heartbeat missed", { userId: this.userId });
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  /** Runs task after everything queued before it; its failure is the caller's, the queue goes on. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.outbound.then(task);
    this.outbound = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private fail(error: unknown): void {
    log("error", "ws connection error", { userId: this.userId, error: error instanceof Error ? error.message : String(error) });
  }

  private send(frame: string | ServerFrame): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      // The client stopped reading; holding its output would only grow memory for everyone.
      log("warn", "ws slow consumer dropped", { userId: this.userId, buffered: this.socket.bufferedAmount });
      this.socket.terminate();
      return;
    }
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    metrics.websocketFramesSent.inc();
  }

  /** Sends message unless this connection already has it; says whether it was sent. */
  private async deliver(message: MessageDto): Promise<boolean> {
    const last = this.delivered.get(message.conversation_id);
    if (last !== undefined && message.seq <= last) return false;
    if (last !== undefined && message.seq > last + 1) {
      await this.replay(message.conversation_id, last, message.seq - 1);
    }
    this.send(messageFrame(message));
    this.delivered.set(message.conversation_id, message.seq);
    return true;
  }

  /** Sends the messages after `after` up to `until`, at most `budget` of them; returns how many. */
  private async replay(conversationId: string, after: number, until: number, budget = Infinity): Promise<number> {
    const repository = await getRepository();
    let cursor = after;
    let sent = 0;
    while (cursor < until && sent < budget) {
      const limit = Math.min(PAGE, until - cursor, budget - sent);
      const page = await repository.listMessages(conversationId, { after: cursor, limit });
      if (page.length === 0) break;
      for (const record of page) {
        this.send(messageFrame(presentMessage(record)));
        cursor = record.seq;
        sent++;
      }
      this.delivered.set(conversationId, cursor);
    }
    return sent;
  }

  private async receive(data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return this.send({ type: "error", reason: "Binary frames are not supported; send JSON text" });
    let value: unknown;
    try {
      value = JSON.parse(data.toString());
    } catch {
      return this.send({ type: "error", reason: "Frame must be valid JSON" });
    }
    const parsed = clientFrameSchema.safeParse(value);
    if (!parsed.success) return this.send({ type: "error", reason: describeZodError(parsed.error) });
    try {
      await this.handle(parsed.data);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const frame = parsed.data;
      this.send({
        type: "error",
        reason: error.message,
        ...("conversation_id" in frame && frame.conversation_id ? { conversation_id: frame.conversation_id } : {}),
        ...(frame.type === "message" ? { message_id: frame.message_id } : {}),
      });
    }
  }

  private async handle(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case "join":
        await requireMembership(frame.conversation_id, this.userId);
        return this.send({ type: "joined", conversation_id: frame.conversation_id });
      case "message": {
        const decision = await admit("ws", { userId: this.userId });
        if (!decision.allowed) {
          const retryAfter = retryAfterSeconds(decision);
          return this.send({
            type: "error",
            reason: `Too many messages, retry in ${retryAfter} s`,
            message_id: frame.message_id,
            conversation_id: frame.conversation_id,
            retry_after: retryAfter,
          });
        }
        const { message, created } = await sendMessage(this.userId, frame);
        if (!created) await this.enqueue(() => this.answerRetry(message));
        return;
      }
      case "sync":
        return this.enqueue(() => this.sync(frame));
      case "ping":
        return this.send({ type: "pong" });
    }
  }

  /** A retried message_id is answered on this connection only: nothing new was stored or broadcast. */
  private async answerRetry(message: MessageDto): Promise<void> {
    const last = this.delivered.get(message.conversation_id);
    if (last !== undefined && message.seq <= last) this.send(messageFrame(message));
    else await this.deliver(message);
  }

  private async sync(frame: SyncFrame): Promise<void> {
    let targets: { id: string; lastSeq: number; after: number }[];
    if (frame.conversation_id !== undefined) {
      await requireMembership(frame.conversation_id, this.userId);
      const after = frame.after_seq ?? frame.cursors?.[frame.conversation_id] ?? 0;
      targets = [{ id: frame.conversation_id, lastSeq: Number.MAX_SAFE_INTEGER, after }];
    } else {
      targets = (await listConversations(this.userId)).map((conversation) => ({
        id: conversation.id,
        lastSeq: conversation.last_seq,
        after: frame.cursors?.[conversation.id] ?? 0,
      }));
    }
    const cursors: Record<string, number> = {};
    const more: string[] = [];
    for (const target of targets) {
      const from = Math.max(target.after, this.delivered.get(target.id) ?? target.after);
      const sent = await this.replay(target.id, from, target.lastSeq, SYNC_LIMIT_PER_CONVERSATION);
      if (sent === SYNC_LIMIT_PER_CONVERSATION) more.push(target.id);
      cursors[target.id] = this.delivered.get(target.id) ?? Math.min(from, target.lastSeq);
    }
    this.send({ type: "synced", cursors, more });
  }
}
