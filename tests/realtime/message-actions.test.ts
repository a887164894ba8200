import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { MessageDto } from "@/lib/chat/present";
import { eventSeq, type MessageFrame, type MessageUpdatedFrame } from "@/lib/realtime/wire";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { eventually } from "../support/wait";
import { TestSocket, type Frame } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

interface Pair {
  alice: TestUser;
  bob: TestUser;
  conversationId: string;
  first: MessageDto;
}

async function pair(): Promise<Pair> {
  const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
  const conversationId = await createConversation(server.url, alice, [bob]);
  const first = (await postMessage(server.url, alice, conversationId, "first")).body as unknown as MessageDto;
  return { alice, bob, conversationId, first };
}

function events(socket: TestSocket, conversationId: string): (MessageFrame | MessageUpdatedFrame)[] {
  return socket.frames
    .filter((frame): frame is Frame & (MessageFrame | MessageUpdatedFrame) => frame.type === "message" || frame.type === "message_updated")
    .filter((frame) => frame.message.conversation_id === conversationId);
}

function updates(socket: TestSocket): MessageUpdatedFrame[] {
  return socket.frames.filter((frame) => frame.type === "message_updated") as unknown as MessageUpdatedFrame[];
}

async function storedState(user: TestUser, conversationId: string, id: string): Promise<MessageDto> {
  const page = await api<{ messages: MessageDto[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: user.token });
  return page.body.messages.find((message) => message.id === id)!;
}

describe("edit, delete and react frames", () => {
  it("delivers an edit to every device of every member as message_updated with the next seq", async () => {
    const { alice, bob, conversationId, first } = await pair();
    const devices = await Promise.all([alice, alice, bob, bob].map((user) => TestSocket.open(server.url, { token: user.token })));
    devices[0]!.send({ type: "edit", id: first.id, content: "first, edited" });
    for (const device of devices) {
      const frame = await device.waitFor((candidate) => candidate.type === "message_updated");
      expect(frame).toMatchObject({ type: "message_updated", seq: 2, conversation_id: conversationId, message: { id: first.id, seq: 1, content: "first, edited" } });
    }
    await Promise.all(devices.map((device) => device.close()));
  });

  it("delivers a REST edit the same way", async () => {
    const { alice, bob, first } = await pair();
    const socket = await TestSocket.open(server.url, { token: bob.token });
    await api(server.url, "PATCH", `/messages/${first.id}`, { token: alice.token, json: { content: "over http" } });
    expect(await socket.waitFor((frame) => frame.type === "message_updated")).toMatchObject({ seq: 2, message: { content: "over http" } });
    await socket.close();
  });

  it("delivers a deletion as a tombstone", async () => {
    const { alice, bob, first } = await pair();
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const sender = await TestSocket.open(server.url, { token: alice.token });
    sender.send({ type: "delete", id: first.id });
    expect(await socket.waitFor((frame) => frame.type === "message_updated")).toMatchObject({ seq: 2, message: { id: first.id, deleted: true, content: "" } });
    await Promise.all([socket.close(), sender.close()]);
  });

  it("delivers reactions added and removed", async () => {
    const { alice, bob, first } = await pair();
    const socket = await TestSocket.open(server.url, { token: alice.token });
    const reactor = await TestSocket.open(server.url, { token: bob.token });
    reactor.send({ type: "react", id: first.id, emoji: "🔥", on: true });
    reactor.send({ type: "react", id: first.id, emoji: "🔥", on: false });
    await eventually(() => updates(socket).length === 2, () => `got ${JSON.stringify(updates(socket))}`);
    expect(updates(socket).map((frame) => [frame.seq, frame.message.reactions])).toEqual([
      [2, [{ emoji: "🔥", count: 1, user_ids: [bob.id] }]],
      [3, []],
    ]);
    await Promise.all([socket.close(), reactor.close()]);
  });

  it("answers a change that changes nothing with unchanged, and stores no event", async () => {
    const { bob, first } = await pair();
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const reply = await socket.request({ type: "react", id: first.id, emoji: "👍", on: false }, ["unchanged", "message_updated", "error"]);
    expect(reply).toMatchObject({ type: "unchanged", message: { id: first.id, reactions: [] } });
    await socket.close();
  });

  it("answers a refused change with an error frame carrying the message id", async () => {
    const { bob, first } = await pair();
    const socket = await TestSocket.open(server.url, { token: bob.token });
    expect(await socket.request({ type: "edit", id: first.id, content: "not mine" }, ["error"])).toEqual({
      type: "error",
      reason: "Only the sender may edit a message",
      id: first.id,
    });
    expect(await socket.request({ type: "react", id: first.id, emoji: "nope", on: true }, ["error"])).toMatchObject({ id: first.id });
    expect(await socket.request({ type: "delete", id: "no-such-message" }, ["error"])).toEqual({ type: "error", reason: "Message not found", id: "no-such-message" });
    await socket.close();
  });

  it("sends a reply over the socket with reply_to, refusing one to another conversation", async () => {
    const { alice, bob, conversationId, first } = await pair();
    const socket = await TestSocket.open(server.url, { token: bob.token });
    socket.send({ type: "message", message_id: "r-1", conversation_id: conversationId, content: "re", reply_to: first.id });
    const reply = await socket.waitFor((frame) => frame.type === "message" && (frame.message as MessageDto).message_id === "r-1");
    expect(reply).toMatchObject({ message: { reply_to: first.id } });
    const elsewhere = await createConversation(server.url, alice, [await createUser(server.url)]);
    const other = (await postMessage(server.url, alice, elsewhere, "over there")).body.id;
    const refused = await socket.request({ type: "message", message_id: "r-2", conversation_id: conversationId, content: "re", reply_to: other }, ["error"]);
    expect(refused).toMatchObject({ message_id: "r-2", conversation_id: conversationId });
    await socket.close();
  });
});

describe("sync after a reconnect", () => {
  it("replays edits, reactions and deletions in seq order, each message as it is now", async () => {
    const { alice, bob, conversationId, first } = await pair();
    const second = (await postMessage(server.url, alice, conversationId, "second")).body.id;
    await api(server.url, "PATCH", `/messages/${first.id}`, { token: alice.token, json: { content: "first, edited" } });
    await api(server.url, "PUT", `/messages/${second}/reactions/${encodeURIComponent("👍")}`, { token: bob.token });
    await api(server.url, "DELETE", `/messages/${second}`, { token: alice.token });
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const synced = await socket.request({ type: "sync", cursors: { [conversationId]: 1 } }, ["synced"]);
    const replayed = events(socket, conversationId);
    expect(replayed.map((frame) => [frame.type, eventSeq(frame)])).toEqual([
      ["message", 2],
      ["message_updated", 3],
      ["message_updated", 4],
      ["message_updated", 5],
    ]);
    // Replays show the current state: the deleted message's words are gone from every frame.
    expect(JSON.stringify(replayed)).not.toContain('"second"');
    expect(replayed[1]!.message).toMatchObject({ id: first.id, content: "first, edited" });
    expect(synced).toMatchObject({ cursors: { [conversationId]: 5 } });
    await socket.close();
  });
});

describe("concurrent changes to one message", () => {
  it("gives every device every event once, in seq order, the last carrying the stored state", async () => {
    const { alice, bob, conversationId, first } = await pair();
    const readers = await Promise.all([alice, bob, bob].map((user) => TestSocket.open(server.url, { token: user.token })));
    const writers = await Promise.all([alice, alice, bob, bob].map((user) => TestSocket.open(server.url, { token: user.token })));
    const emoji = ["👍", "🎉", "🔥", "😀"];
    writers.forEach((writer, w) => {
      for (let i = 0; i < 10; i++) {
        // Alice's devices edit; Bob's toggle reactions, so some changes change nothing.
        writer.send(
          w < 2
            ? { type: "edit", id: first.id, content: `edit ${w}.${i}` }
            : { type: "react", id: first.id, emoji: emoji[i % emoji.length], on: i % 3 !== 2 },
        );
      }
    });
    const rest = Array.from({ length: 10 }, (_, i) =>
      api(server.url, i % 2 ? "PUT" : "DELETE", `/messages/${first.id}/reactions/${encodeURIComponent(emoji[i % emoji.length]!)}`, { token: alice.token }),
    );
    // A connection handles its frames in order, so its pong means its changes are stored.
    await Promise.all([...rest, ...writers.map((writer) => writer.request({ type: "ping" }, ["pong"]))]);
    const list = await api<{ conversations: { id: string; last_seq: number }[] }>(server.url, "GET", "/conversations", { token: alice.token });
    const final = list.body.conversations.find((entry) => entry.id === conversationId)!.last_seq;
    expect(final).toBeGreaterThan(20);
    await eventually(
      () => readers.every((reader) => events(reader, conversationId).some((frame) => eventSeq(frame) === final)),
      () => `readers at ${readers.map((reader) => events(reader, conversationId).map(eventSeq).join(","))}, stored ${final}`,
      30_000,
    );
    const stored = await storedState(alice, conversationId, first.id);
    for (const reader of readers) {
      // The first message's announcement may still be on its way when the readers open (it
      // travels through NOTIFY on PostgreSQL), and then reaches them live, first.
      const seqs = events(reader, conversationId).map(eventSeq);
      const from = seqs[0] === 1 ? 1 : 2;
      expect(seqs).toEqual(Array.from({ length: final - from + 1 }, (_, i) => i + from));
      expect(events(reader, conversationId).at(-1)!.message).toEqual(stored);
    }
    await Promise.all([...readers, ...writers].map((socket) => socket.close()));
  }, 60_000);
});

describe("a frame with a huge id", () => {
  it("is answered with an error, without the id", async () => {
    const { bob } = await pair();
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const reply = await socket.request({ type: "delete", id: randomUUID().repeat(10) }, ["error"]);
    expect(reply).not.toHaveProperty("id");
    await socket.close();
  });
});
