import { afterAll, describe, expect, it, vi } from "vitest";

import { eventsAfter } from "@/lib/chat/events";
import { editMessage, reactToMessage } from "@/lib/chat/message-actions";
import { closeRepository } from "@/lib/db";
import { ClientConnection } from "@/lib/realtime/connection";
import { getHub } from "@/lib/realtime/hub";

import { createPair, RecordingTransport, send } from "../support/in-process";

// Runs before the imports, so the store opens in a directory of its own (created on open).
vi.hoisted(() => {
  process.env.DATA_DIR = `${process.env.TMPDIR ?? "/tmp"}/pneumatic-unit-${process.pid}-${Date.now()}`;
});

afterAll(() => closeRepository());

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function connect(userId: string): { connection: ClientConnection; client: RecordingTransport } {
  const client = new RecordingTransport();
  return { connection: new ClientConnection(userId, client, 1 << 20), client };
}

describe("a client connection", () => {
  it("receives each stored message live, once", async () => {
    const { alice, bob, conversationId } = await createPair();
    const { connection, client } = connect(bob);
    await send(alice, conversationId, 3);
    expect(client.seqs(conversationId)).toEqual([1, 2, 3]);
    connection.close();
  });

  it("receives changes to a message live under their own seqs, and replays them in order after a sync", async () => {
    const { alice, bob, conversationId } = await createPair();
    await send(alice, conversationId);
    const [first] = await eventsAfter(conversationId, 0, 1);
    const { connection, client } = connect(bob);
    await editMessage(alice, first!.message!.id, "edited");
    await reactToMessage(bob, first!.message!.id, "👍", true);
    expect(client.seqs(conversationId)).toEqual([2, 3]);
    await connection.sync({ cursors: { [conversationId]: 0 } });
    expect(client.seqs(conversationId)).toEqual([2, 3, 1]);
    expect(client.frames.filter((frame) => frame.type === "message").at(-1)).toMatchObject({ message: { content: "edited", reactions: [{ emoji: "👍" }] } });
    connection.close();
  });

  it("replays what lies below a live event when a sync from an older cursor follows it", async () => {
    const { alice, bob, conversationId } = await createPair();
    await send(alice, conversationId, 5);
    const { connection, client } = connect(bob);
    await send(alice, conversationId);
    expect(client.seqs(conversationId)).toEqual([6]);
    await connection.sync({ cursors: { [conversationId]: 2 } });
    expect(client.seqs(conversationId)).toEqual([6, 3, 4, 5]);
    expect(client.last("synced")).toEqual({ type: "synced", cursors: { [conversationId]: 6 }, more: [] });
    await send(alice, conversationId);
    expect(client.seqs(conversationId)).toEqual([6, 3, 4, 5, 7]);
    connection.close();
  });

  it("does the same for a single-conversation sync with after_seq", async () => {
    const { alice, bob, conversationId } = await createPair();
    await send(alice, conversationId, 5);
    const { connection, client } = connect(bob);
    await send(alice, conversationId);
    await connection.sync({ conversation_id: conversationId, after_seq: 2 });
    expect(client.seqs(conversationId)).toEqual([6, 3, 4, 5]);
    expect(client.last("synced")).toMatchObject({ cursors: { [conversationId]: 6 } });
    connection.close();
  });

  it("drops a live announcement of an event a sync already replayed", async () => {
    const { alice, bob, conversationId } = await createPair();
    await send(alice, conversationId, 3);
    const { connection, client } = connect(bob);
    await connection.sync({ cursors: {} });
    for (const event of await eventsAfter(conversationId, 0, 10)) getHub().deliver({ event, memberIds: [bob] });
    await send(alice, conversationId);
    expect(client.seqs(conversationId)).toEqual([1, 2, 3, 4]);
    connection.close();
  });

  it("fills from the store the events between the last one it sent and a live event further on", async () => {
    const { alice, bob, conversationId } = await createPair();
    await send(alice, conversationId, 1005);
    const { connection, client } = connect(bob);
    await connection.sync({ cursors: {} });
    expect(client.last("synced")).toEqual({ type: "synced", cursors: { [conversationId]: 1000 }, more: [conversationId] });
    await send(alice, conversationId);
    await vi.waitFor(() => expect(client.seqs(conversationId).length).toBe(1006));
    expect(client.seqs(conversationId)).toEqual(range(1, 1006));
    connection.close();
  });

  it("replays from a cursor beyond what it sent live, and drops those events when they arrive live late", async () => {
    const { alice, bob, conversationId } = await createPair();
    const { connection, client } = connect(bob);
    await send(alice, conversationId, 2);
    // Announcements lagging behind the store, as a PostgreSQL instance's do when it loads events too big for a notice.
    getHub().unsubscribe(bob, connection);
    await send(alice, conversationId, 4);
    getHub().subscribe(bob, connection);
    await connection.sync({ cursors: { [conversationId]: 4 } });
    expect(client.last("synced")).toEqual({ type: "synced", cursors: { [conversationId]: 6 }, more: [] });
    for (const event of await eventsAfter(conversationId, 2, 4)) getHub().deliver({ event, memberIds: [bob] });
    await send(alice, conversationId);
    expect(client.seqs(conversationId)).toEqual([1, 2, 5, 6, 7]);
    expect(client.frames.filter((frame) => frame.type === "error")).toEqual([]);
    connection.close();
  });

  it("caps a cursor beyond the newest event, so later events still arrive", async () => {
    const { alice, bob, conversationId } = await createPair();
    await send(alice, conversationId, 3);
    const { connection, client } = connect(bob);
    await connection.sync({ cursors: { [conversationId]: 2 ** 40 } });
    expect(client.last("synced")).toMatchObject({ cursors: { [conversationId]: 3 } });
    await send(alice, conversationId);
    expect(client.seqs(conversationId)).toEqual([4]);
    connection.close();
  });

  it("gives every event after the oldest cursor exactly once when live events race two syncs", async () => {
    const { alice, bob, conversationId } = await createPair();
    await send(alice, conversationId, 20);
    const { connection, client } = connect(bob);
    const racing = Array.from({ length: 30 }, () => send(alice, conversationId));
    const syncs = [connection.sync({ cursors: { [conversationId]: 4 } }), connection.sync({ cursors: { [conversationId]: 11 } })];
    await Promise.all([...racing, ...syncs]);
    await vi.waitFor(() => expect(client.seqs(conversationId).length).toBeGreaterThanOrEqual(46));
    expect(client.seqs(conversationId).sort((a, b) => a - b)).toEqual(range(5, 50));
    connection.close();
  });

  it("answers a frame that breaks a rule with an error naming the frame's ids", async () => {
    const { bob, conversationId } = await createPair();
    const { connection, client } = connect(bob);
    await connection.receive(JSON.stringify({ type: "message", message_id: "m-1", conversation_id: conversationId, content: "   " }));
    expect(client.last("error")).toEqual({
      type: "error",
      reason: "content: must not be empty",
      message_id: "m-1",
      conversation_id: conversationId,
    });
    connection.close();
  });

  it("answers a sync of someone else's conversation with an error naming it", async () => {
    const { conversationId } = await createPair();
    const { bob: stranger } = await createPair();
    const { connection, client } = connect(stranger);
    await connection.receive(JSON.stringify({ type: "sync", conversation_id: conversationId, after_seq: 0 }));
    expect(client.last("error")).toMatchObject({ conversation_id: conversationId });
    expect(client.seqs(conversationId)).toEqual([]);
    connection.close();
  });

  it("stays usable after malformed and unknown frames", async () => {
    const { bob } = await createPair();
    const { connection, client } = connect(bob);
    await connection.receive("{not json");
    await connection.receive(JSON.stringify({ type: "launch" }));
    await connection.receive(JSON.stringify({ type: "ping" }));
    expect(client.frames.map((frame) => frame.type)).toEqual(["error", "error", "pong"]);
    connection.close();
  });

  it("stops receiving once closed", async () => {
    const { alice, bob, conversationId } = await createPair();
    const { connection, client } = connect(bob);
    connection.close();
    await send(alice, conversationId);
    expect(client.frames).toEqual([]);
  });
});
