import { randomUUID } from "node:crypto";

import { expect } from "vitest";

import type { MessageDto } from "@/lib/chat/present";
import { eventSeq, type ConversationRemovedFrame, type EventFrame } from "@/lib/realtime/wire";

import { api, createUser, postMessage, type TestUser } from "./api";
import { eventually } from "./wait";
import { TestSocket } from "./ws";

/** An event as one user hears it: their own removal reaches them as `conversation_removed`, under its seq. */
type HeardEvent = EventFrame | ConversationRemovedFrame;

function heardSeq(frame: HeardEvent): number {
  return frame.type === "conversation_removed" ? frame.seq : eventSeq(frame);
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** A small seeded PRNG (mulberry32): the same seed replays the same interleaving. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where devices connect and messages are posted: one instance or several, some restarting. */
export interface Deployment {
  urls(): string[];
  /** Ends instance i (SIGTERM or SIGKILL) and starts it again on the same database. */
  restart(index: number): Promise<void>;
}

/**
 * One device of a user, as the web client behaves: on every (re)connection it syncs from the
 * last seq it holds without a hole, and it resends its unacknowledged messages with the same
 * message_id. It records what each of its connections received.
 */
export class Device {
  private readonly sockets: TestSocket[] = [];
  /** The cursor each connection first synced from. */
  private readonly syncedFrom = new Map<TestSocket, number>();
  /** message_id → content of the messages sent over the socket and not yet seen stored. */
  readonly pending = new Map<string, string>();
  readonly acknowledged = new Set<string>();

  constructor(
    readonly user: TestUser,
    private readonly conversationId: string,
  ) {}

  private get socket(): TestSocket | undefined {
    return this.sockets.at(-1);
  }

  get connected(): boolean {
    const socket = this.socket;
    return socket !== undefined && socket.closed === null;
  }

  /**
   * The events one connection received, in order: messages, changes to them, group changes and
   * the user's removals; a retry's answer is not an event.
   */
  private eventFrames(socket: TestSocket): HeardEvent[] {
    const kinds = ["message_updated", "conversation_updated", "conversation_removed"];
    return socket.frames
      .filter((frame) => (frame.type === "message" && frame.retried === undefined) || kinds.includes(frame.type))
      .map((frame) => frame as unknown as HeardEvent)
      .filter((frame) => (frame.type === "message" ? frame.message.conversation_id : frame.conversation_id) === this.conversationId);
  }

  private events(socket: TestSocket): number[] {
    return this.eventFrames(socket).map(heardSeq);
  }

  /**
   * What reached a connection after it heard that the user was removed, where it should not
   * have: nothing may follow a `conversation_removed` but, once the user is added back, the
   * events they missed while out, in order, ending with the one that added them.
   */
  leaksAfterRemoval(): string[] {
    return this.sockets.flatMap((socket, index) => {
      const frames = this.eventFrames(socket);
      return frames.flatMap((frame, at) => {
        if (frame.type !== "conversation_removed") return [];
        const back = frames.findIndex(
          (later, after) => after > at && later.type === "conversation_updated" && later.change === "members_added" && later.user_ids.includes(this.user.id),
        );
        const followed = frames.slice(at + 1, back === -1 ? undefined : back + 1).map(heardSeq);
        const allowed = back === -1 ? [] : range(frame.seq + 1, heardSeq(frames[back]!));
        return followed.join() === allowed.join() ? [] : [`connection ${index} after its removal at ${frame.seq}: ${followed.join(", ")}`];
      });
    });
  }

  /** Per message, its state in the newest event about it this device received. */
  latestStates(): Map<string, MessageDto> {
    const newest = new Map<string, { seq: number; message: MessageDto }>();
    for (const frame of this.sockets.flatMap((socket) => this.eventFrames(socket))) {
      if (frame.type === "conversation_updated" || frame.type === "conversation_removed") continue;
      const seen = newest.get(frame.message.id);
      if (!seen || eventSeq(frame) > seen.seq) newest.set(frame.message.id, { seq: eventSeq(frame), message: frame.message });
    }
    return new Map([...newest].map(([id, { message }]) => [id, message]));
  }

  /** Every seq this device received, on any of its connections. */
  received(): Set<number> {
    return new Set(this.sockets.flatMap((socket) => this.events(socket)));
  }

  /** The last seq below which the device has no hole: what a client syncs from. */
  cursor(): number {
    const received = this.received();
    let cursor = 0;
    while (received.has(cursor + 1)) cursor++;
    return cursor;
  }

  /** Seqs that one connection received more than once: exactly-once forbids any. */
  duplicates(): number[] {
    return this.sockets.flatMap((socket) => {
      const seqs = this.events(socket);
      return seqs.filter((seq, index) => seqs.indexOf(seq) !== index);
    });
  }

  private noteAcknowledgements(): void {
    for (const message of this.socket?.messages(this.conversationId) ?? []) {
      if (message.sender_id === this.user.id && this.pending.delete(message.message_id)) this.acknowledged.add(message.message_id);
    }
  }

  /**
   * Holes a connection has above the cursor it first synced from: once that sync is answered,
   * every event after the cursor must have reached the connection, including those below one
   * that arrived live before the sync. (A connection closed before its answer, by a restarting
   * instance, owes nothing: its successor syncs again.)
   */
  holes(): number[] {
    return this.sockets.flatMap((socket) => {
      const from = this.syncedFrom.get(socket);
      const seqs = new Set(this.events(socket));
      if (from === undefined || seqs.size === 0 || !socket.frames.some((frame) => frame.type === "synced")) return [];
      const missing: number[] = [];
      for (let seq = from + 1; seq < Math.max(...seqs); seq++) if (!seqs.has(seq)) missing.push(seq);
      return missing;
    });
  }

  /**
   * Opens a connection, lets `beforeSync` run (live events may arrive before the sync frame
   * is sent, as they do on a real network), then syncs and resends what is unacknowledged.
   */
  async connect(url: string, beforeSync?: (socket: TestSocket) => Promise<void>): Promise<void> {
    await this.disconnect();
    const socket = await TestSocket.open(url, { token: this.user.token });
    this.sockets.push(socket);
    await beforeSync?.(socket);
    const cursor = this.cursor();
    this.syncedFrom.set(socket, cursor);
    socket.send({ type: "sync", cursors: { [this.conversationId]: cursor } });
    for (const [messageId, content] of this.pending) this.sendFrame(messageId, content);
  }

  async disconnect(): Promise<void> {
    await this.socket?.close();
  }

  private sendFrame(messageId: string, content: string): void {
    this.socket?.send({ type: "message", message_id: messageId, conversation_id: this.conversationId, content });
  }

  send(content: string): void {
    const messageId = randomUUID();
    this.pending.set(messageId, content);
    this.sendFrame(messageId, content);
  }

  /** Toggles this user's reaction on a message over the socket; its event (or none) is the answer. */
  react(messageId: string, emoji: string, on: boolean): void {
    this.socket?.send({ type: "react", id: messageId, emoji, on });
  }

  /** Asks for a replay from `cursor` on the open connection, without waiting for the answer. */
  sync(cursor = this.cursor()): void {
    this.socket?.send({ type: "sync", cursors: { [this.conversationId]: cursor } });
  }

  /** Syncs and waits until the server has answered and every message this device sent is stored. */
  async settle(): Promise<void> {
    await this.socket!.request({ type: "sync", cursors: { [this.conversationId]: this.cursor() } }, ["synced"]);
    await eventually(
      () => {
        this.noteAcknowledgements();
        return this.pending.size === 0;
      },
      () => `unacknowledged: ${[...this.pending.keys()].join(", ")}`,
    );
  }
}

export async function storedStream(url: string, reader: TestUser, conversationId: string): Promise<MessageDto[]> {
  const stream: MessageDto[] = [];
  for (;;) {
    const after = stream.at(-1)?.seq ?? 0;
    const page = await api<{ messages: MessageDto[] }>(url, "GET", `/conversations/${conversationId}/messages?after=${after}&limit=200`, {
      token: reader.token,
    });
    stream.push(...page.body.messages);
    if (page.body.messages.length < 200) return stream;
  }
}

/** The seq of the conversation's newest event: its events are 1..that, messages and changes alike. */
async function lastEventSeq(url: string, reader: TestUser, conversationId: string): Promise<number> {
  const list = await api<{ conversations: { id: string; last_seq: number }[] }>(url, "GET", "/conversations", { token: reader.token });
  return list.body.conversations.find((conversation) => conversation.id === conversationId)!.last_seq;
}

/**
 * Checks the guarantee against what is stored: the events are numbered 1..N (at least
 * `acknowledgedRenames` of them group changes), every acknowledged message is stored once,
 * every device received every event 1..N, no connection twice, and the newest event a device
 * has about each message carries the message's stored state.
 */
export async function expectExactlyOnce(
  url: string,
  reader: TestUser,
  conversationId: string,
  devices: Device[],
  acknowledgedOverHttp: Set<string>,
  acknowledgedRenames = 0,
): Promise<void> {
  const stream = await storedStream(url, reader, conversationId);
  const ids = stream.map((message) => `${message.sender_id}/${message.message_id}`);
  expect(new Set(ids).size).toBe(ids.length);
  const stored = new Set(stream.map((message) => message.message_id));
  const acknowledged = [...acknowledgedOverHttp, ...devices.flatMap((device) => [...device.acknowledged])];
  expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  const events = Array.from({ length: await lastEventSeq(url, reader, conversationId) }, (_, index) => index + 1);
  expect(events.length - stream.length).toBeGreaterThanOrEqual(acknowledgedRenames);
  const storedStates = new Map(stream.map((message) => [message.id, message]));
  for (const device of devices) {
    expect(device.duplicates()).toEqual([]);
    expect(device.holes()).toEqual([]);
    expect([...device.received()].sort((a, b) => a - b)).toEqual(events);
    expect(device.latestStates()).toEqual(storedStates);
  }
}

/**
 * Checks what a user whose membership came and went received: nothing after a removal but
 * what an addition let through; and, if they are a member at the end, every event 1..N, each
 * once per connection, and the stored history; if not, no history at all.
 */
export async function expectMembershipHonoured(url: string, device: Device, reader: TestUser, conversationId: string): Promise<void> {
  expect(device.leaksAfterRemoval()).toEqual([]);
  expect(device.duplicates()).toEqual([]);
  const history = await api(url, "GET", `/conversations/${conversationId}/messages?limit=200`, { token: device.user.token });
  if (history.status === 403) return;
  expect(history.status).toBe(200);
  expect([...device.received()].sort((a, b) => a - b)).toEqual(range(1, await lastEventSeq(url, reader, conversationId)));
  expect((await storedStream(url, device.user, conversationId)).map((message) => message.id)).toEqual(
    (await storedStream(url, reader, conversationId)).map((message) => message.id),
  );
}

export interface InterleavingRun {
  seed: number;
  operations: number;
  /** Restarts of an instance among the operations, at most. */
  restarts: number;
}

/** Reactions the interleaving toggles: a few, so that adds and removals meet on one message. */
const EMOJI = ["👍", "🎉", "🔥"];

/**
 * Drives a seeded random interleaving of posts and reactions over HTTP and the socket, edits,
 * renames of the group, a third user added, removed and leaving, devices going offline and
 * reconnecting to any instance (half the time with a live event arriving before the sync),
 * syncs from stale cursors and instance restarts, with a few milliseconds between operations
 * and nothing awaited that a real client would not await; then settles every device and checks
 * the guarantee, and what the third user heard. The conversation is alice's group with bob.
 */
export async function runInterleaving(
  deployment: Deployment,
  alice: TestUser,
  bob: TestUser,
  conversationId: string,
  run: InterleavingRun,
): Promise<void> {
  const random = seededRandom(run.seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const devices = [new Device(alice, conversationId), new Device(bob, conversationId), new Device(bob, conversationId)];
  // Carol comes and goes; she only listens, so nothing of hers waits to be acknowledged.
  const carol = new Device(await createUser(deployment.urls()[0]!, "carol"), conversationId);
  const everyone = [...devices, carol];
  const acknowledgedOverHttp = new Set<string>();
  let acknowledgedRenames = 0;
  const inFlight: Promise<unknown>[] = [];
  let restarts = 0;
  for (const device of everyone) await device.connect(pick(deployment.urls()));

  /** Messages some device has heard of: what edits and reactions can name. */
  const known = (): MessageDto[] => [...new Map(devices.flatMap((device) => [...device.latestStates()])).values()];

  for (let step = 0; step < run.operations; step++) {
    const roll = random();
    const device = pick(everyone);
    const target = known().length > 0 ? pick(known()) : undefined;
    if (roll < 0.03) {
      // A group change is an event of the same stream; a 1-on-1 refuses it (409) and stores nothing.
      const url = pick(deployment.urls());
      inFlight.push(
        api(url, "PATCH", `/conversations/${conversationId}`, { token: pick([alice, bob]).token, json: { title: `title ${step}` } }).then(
          (response) => response.status === 200 && acknowledgedRenames++,
          () => undefined,
        ),
      );
    } else if (roll < 0.09) {
      // The creator adds or removes carol, or she leaves: each an event, or a refusal that stores nothing.
      const members = `/conversations/${conversationId}/members`;
      const change = pick([
        () => api(pick(deployment.urls()), "POST", members, { token: alice.token, json: { member_ids: [carol.user.id] } }),
        () => api(pick(deployment.urls()), "DELETE", `${members}/${carol.user.id}`, { token: alice.token }),
        () => api(pick(deployment.urls()), "DELETE", `${members}/${carol.user.id}`, { token: carol.user.token }),
      ]);
      inFlight.push(change().catch(() => undefined));
    } else if (roll < 0.12 && target) {
      const user = pick([alice, bob]);
      const path = `/messages/${target.id}/reactions/${encodeURIComponent(pick(EMOJI))}`;
      inFlight.push(api(pick(deployment.urls()), random() < 0.6 ? "PUT" : "DELETE", path, { token: user.token }).catch(() => undefined));
    } else if (roll < 0.15 && target?.sender_id === alice.id) {
      const path = `/messages/${target.id}`;
      inFlight.push(api(pick(deployment.urls()), "PATCH", path, { token: alice.token, json: { content: `edited ${step}` } }).catch(() => undefined));
    } else if (roll < 0.18 && target) {
      if (device.connected) device.react(target.id, pick(EMOJI), random() < 0.6);
    } else if (roll < 0.35) {
      const sender = pick([alice, bob]);
      const messageId = randomUUID();
      const url = pick(deployment.urls());
      inFlight.push(
        postMessage(url, sender, conversationId, `http ${step}`, messageId).then(
          (response) => response.status === 201 && acknowledgedOverHttp.add(messageId),
          () => undefined,
        ),
      );
    } else if (roll < 0.6) {
      if (device.connected && device !== carol) device.send(`socket ${step}`);
    } else if (roll < 0.67) {
      // Offline for a while: what is posted meanwhile is replayed by the next connection's sync.
      await device.disconnect();
    } else if (roll < 0.75) {
      const url = pick(deployment.urls());
      // Carol may be out of the conversation, and would wait for the live message forever.
      const liveFirst = random() < 0.5 && device !== carol;
      await device.connect(url, async (socket) => {
        if (!liveFirst) return;
        const messageId = randomUUID();
        const response = await postMessage(url, pick([alice, bob]), conversationId, `before sync ${step}`, messageId);
        if (response.status !== 201) return;
        acknowledgedOverHttp.add(messageId);
        await socket.waitFor((frame) => frame.type === "message" && (frame.message as MessageDto).message_id === messageId);
      });
    } else if (roll < 0.9) {
      if (device.connected) device.sync(Math.floor(random() * (device.cursor() + 1)));
    } else if (roll < 0.95 && restarts < run.restarts) {
      restarts++;
      await Promise.allSettled(inFlight);
      await deployment.restart(Math.floor(random() * deployment.urls().length));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 5)));
  }

  await Promise.allSettled(inFlight);
  for (const device of everyone) {
    if (!device.connected) await device.connect(pick(deployment.urls()));
    await device.settle();
  }
  // Settling one device stores its resent messages, which the others must hear too.
  for (const device of everyone) await device.settle();
  await expectExactlyOnce(deployment.urls()[0]!, alice, conversationId, devices, acknowledgedOverHttp, acknowledgedRenames);
  await expectMembershipHonoured(deployment.urls()[0]!, carol, alice, conversationId);
  for (const device of everyone) await device.disconnect();
}
