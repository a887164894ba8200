import { afterAll, describe, expect, it, vi } from "vitest";

import { removalSuperseded } from "@/lib/chat/audience";
import { eventsAfter } from "@/lib/chat/events";
import { addMembers, removeMember, renameGroup } from "@/lib/chat/groups";
import { closeRepository } from "@/lib/db";
import { ClientConnection } from "@/lib/realtime/connection";

import { createGroup, RecordingTransport, send } from "../support/in-process";
import type { Frame } from "../support/ws";

// Runs before the imports, so the store opens in a directory of its own (created on open).
vi.hoisted(() => {
  process.env.DATA_DIR = `${process.env.TMPDIR ?? "/tmp"}/pneumatic-unit-${process.pid}-${Date.now()}`;
});

afterAll(() => closeRepository());

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A transport that calls back once, when its first message frame is sent. */
class TriggeringTransport extends RecordingTransport {
  constructor(private onFirstMessage: (() => void) | null) {
    super();
  }

  override send(data: string): void {
    super.send(data);
    if (this.frames.at(-1)?.type !== "message" || !this.onFirstMessage) return;
    const trigger = this.onFirstMessage;
    this.onFirstMessage = null;
    trigger();
  }
}

/** What a connection was sent about one conversation, as "message:seq", "conversation_updated:seq" or "conversation_removed:seq". */
function about(client: RecordingTransport, conversationId: string): string[] {
  return client.frames.flatMap((frame: Frame) => {
    const message = frame.message as { seq: number; conversation_id: string } | undefined;
    if (message?.conversation_id === conversationId) return [`message:${message.seq}`];
    if (frame.conversation_id === conversationId && typeof frame.seq === "number") return [`${frame.type}:${frame.seq}`];
    return [];
  });
}

describe("a connection of a member whose group changes", () => {
  it("hears a rename as a conversation_updated event in seq order with messages", async () => {
    const { alice, bob, conversationId } = await createGroup();
    const client = new RecordingTransport();
    const connection = new ClientConnection(bob, client, 1 << 20);
    await send(alice, conversationId);
    await renameGroup(alice, conversationId, { title: "renamed" });
    await send(alice, conversationId);
    expect(about(client, conversationId)).toEqual(["message:1", "conversation_updated:2", "message:3"]);
    connection.close();
  });

  it("replays conversation_updated events in a sync like messages", async () => {
    const { alice, bob, conversationId } = await createGroup();
    await renameGroup(alice, conversationId, { title: "one" });
    await send(alice, conversationId);
    const client = new RecordingTransport();
    const connection = new ClientConnection(bob, client, 1 << 20);
    await connection.sync({ cursors: {} });
    expect(about(client, conversationId)).toEqual(["conversation_updated:1", "message:2"]);
    connection.close();
  });

  it("ends a sync replay that a removal lands in with one conversation_removed, after every earlier event and before nothing", async () => {
    const { alice, carol, conversationId } = await createGroup();
    await send(alice, conversationId, 900);
    let removal: Promise<unknown> = Promise.resolve();
    const client = new TriggeringTransport(() => {
      removal = removeMember(alice, conversationId, carol).then(() => send(alice, conversationId, 3));
    });
    const connection = new ClientConnection(carol, client, 1 << 20);
    await connection.sync({ cursors: {} });
    await removal;
    await connection.receive(JSON.stringify({ type: "ping" }));
    expect(about(client, conversationId)).toEqual([...range(1, 900).map((seq) => `message:${seq}`), "conversation_removed:901"]);
    const syncedAt = client.frames.findIndex((frame) => frame.type === "synced");
    const removedAt = client.frames.findIndex((frame) => frame.type === "conversation_removed");
    if (removedAt < syncedAt) expect(client.last("synced")?.cursors).not.toHaveProperty(conversationId);
    connection.close();
  });

  it("neither replays nor names a conversation the member was removed from in a sync afterwards", async () => {
    const { alice, carol, conversationId } = await createGroup();
    const client = new RecordingTransport();
    const connection = new ClientConnection(carol, client, 1 << 20);
    await send(alice, conversationId, 2);
    await removeMember(alice, conversationId, carol);
    await send(alice, conversationId);
    await connection.sync({ cursors: { [conversationId]: 0 } });
    expect(about(client, conversationId)).toEqual(["message:1", "message:2", "conversation_removed:3"]);
    expect(client.last("synced")?.cursors).toEqual({});
    connection.close();
  });

  it("gives a member added back what they missed while out, in order, before the event that added them, and a sync repeats none of it", async () => {
    const { alice, carol, conversationId } = await createGroup();
    const client = new RecordingTransport();
    const connection = new ClientConnection(carol, client, 1 << 20);
    await removeMember(alice, conversationId, carol);
    await send(alice, conversationId);
    await addMembers(alice, conversationId, { member_ids: [carol] });
    await send(alice, conversationId);
    await connection.sync({ cursors: { [conversationId]: 0 } });
    await send(alice, conversationId);
    expect(about(client, conversationId)).toEqual(["conversation_removed:1", "message:2", "conversation_updated:3", "message:4", "message:5"]);
    expect(client.last("synced")?.cursors).toEqual({ [conversationId]: 4 });
    connection.close();
  });

  it("gives a new connection of a member added back the whole history, and live events after it, each once", async () => {
    const { alice, carol, conversationId } = await createGroup();
    await send(alice, conversationId);
    await removeMember(alice, conversationId, carol);
    await send(alice, conversationId);
    await addMembers(alice, conversationId, { member_ids: [carol] });
    const client = new RecordingTransport();
    const connection = new ClientConnection(carol, client, 1 << 20);
    await connection.sync({ cursors: {} });
    await send(alice, conversationId);
    expect(about(client, conversationId)).toEqual(["message:1", "conversation_updated:2", "message:3", "conversation_updated:4", "message:5"]);
    expect(client.frames.some((frame) => frame.type === "conversation_removed")).toBe(false);
    expect(client.last("synced")?.cursors).toEqual({ [conversationId]: 4 });
    connection.close();
  });

  it("still ends with conversation_removed for a member removed again after being added back", async () => {
    const { alice, carol, conversationId } = await createGroup();
    const client = new RecordingTransport();
    const connection = new ClientConnection(carol, client, 1 << 20);
    await removeMember(alice, conversationId, carol);
    await addMembers(alice, conversationId, { member_ids: [carol] });
    await send(alice, conversationId);
    await removeMember(alice, conversationId, carol);
    await send(alice, conversationId);
    await connection.sync({ cursors: { [conversationId]: 0 } });
    expect(about(client, conversationId)).toEqual(["conversation_removed:1", "conversation_updated:2", "message:3", "conversation_removed:4"]);
    expect(client.last("synced")?.cursors).toEqual({});
    connection.close();
  });

  it("tells a replayed removal as history exactly when a later event added the member back, whatever came after", async () => {
    const { alice, carol, conversationId } = await createGroup();
    await removeMember(alice, conversationId, carol);
    await addMembers(alice, conversationId, { member_ids: [carol] });
    await removeMember(alice, conversationId, carol);
    const [first, , last] = await eventsAfter(conversationId, 0, 10);
    expect(await removalSuperseded(first!, carol)).toBe(true);
    expect(await removalSuperseded(last!, carol)).toBe(false);
  });
});
