import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { MessageDto } from "@/lib/chat/present";

import { createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

async function postMany(sender: TestUser, conversationId: string, count: number, label: string) {
  for (let i = 1; i <= count; i++) await postMessage(server.url, sender, conversationId, `${label} ${i}`);
}

function cursorsOf(messages: MessageDto[]): Record<string, number> {
  const cursors: Record<string, number> = {};
  for (const message of messages) cursors[message.conversation_id] = Math.max(cursors[message.conversation_id] ?? 0, message.seq);
  return cursors;
}

describe("catch-up after a reconnect", () => {
  it("replays exactly the messages sent while the client was away, in order, then reports synced", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const first = await TestSocket.open(server.url, { token: bob.token });
    await postMany(alice, conversationId, 3, "before");
    const seen = await first.waitForMessages(3);
    await first.close();

    await postMany(alice, conversationId, 4, "while away");
    const second = await TestSocket.open(server.url, { token: bob.token });
    const synced = await second.request({ type: "sync", cursors: cursorsOf(seen) }, ["synced"]);
    expect(second.messages().map((m) => m.content)).toEqual([1, 2, 3, 4].map((i) => `while away ${i}`));
    expect(second.messages().map((m) => m.seq)).toEqual([4, 5, 6, 7]);
    expect(synced).toEqual({ type: "synced", cursors: { [conversationId]: 7 }, more: [] });
    await second.close();
  });

  it("catches up across all conversations, including ones created while away", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const known = await createConversation(server.url, alice, [bob]);
    await postMany(alice, known, 2, "known");
    const first = await TestSocket.open(server.url, { token: bob.token });
    const synced = await first.request({ type: "sync", cursors: {} }, ["synced"]);
    expect(synced.cursors).toEqual({ [known]: 2 });
    await first.close();

    await postMany(alice, known, 1, "known later");
    const created = await createConversation(server.url, carol, [bob, alice], "New group");
    await postMany(carol, created, 2, "group");
    const second = await TestSocket.open(server.url, { token: bob.token });
    const again = await second.request({ type: "sync", cursors: synced.cursors }, ["synced"]);
    expect(second.messages(known).map((m) => m.content)).toEqual(["known later 1"]);
    expect(second.messages(created).map((m) => m.content)).toEqual(["group 1", "group 2"]);
    expect(again.cursors).toEqual({ [known]: 3, [created]: 2 });
    await second.close();
  });

  it("catches up a single conversation from after_seq", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const other = await createConversation(server.url, bob, [await createUser(server.url)]);
    await postMany(alice, conversationId, 5, "one");
    await postMany(bob, other, 2, "other");
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const synced = await socket.request({ type: "sync", conversation_id: conversationId, after_seq: 3 }, ["synced"]);
    expect(socket.messages().map((m) => m.seq)).toEqual([4, 5]);
    expect(socket.messages(other)).toEqual([]);
    expect(synced.cursors).toEqual({ [conversationId]: 5 });
    await socket.close();
  });

  it("refuses to catch up a conversation the user is not in", async () => {
    const [alice, bob, eve] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const socket = await TestSocket.open(server.url, { token: eve.token });
    const reply = await socket.request({ type: "sync", conversation_id: conversationId, after_seq: 0 }, ["synced", "error"]);
    expect(reply).toMatchObject({ type: "error", conversation_id: conversationId });
    await socket.close();
  });

  it("never duplicates or skips when live messages arrive during a catch-up", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    await postMany(alice, conversationId, 30, "backlog");
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const live = Array.from({ length: 20 }, (_, i) => postMessage(server.url, alice, conversationId, `live ${i}`));
    socket.send({ type: "sync", cursors: { [conversationId]: 10 } });
    await Promise.all(live);
    const received = await socket.waitForMessages(40, conversationId);
    expect(received.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 11));
    await socket.close();
  });
});
