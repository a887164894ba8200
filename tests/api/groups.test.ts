import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ConversationDto, MessageDto } from "@/lib/chat/present";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket, type Frame } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

/** A group created by alice with bob and carol, and its id. */
async function group() {
  const [alice, bob, carol] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
  const conversationId = await createConversation(server.url, alice, [bob, carol], "team");
  return { alice, bob, carol, conversationId };
}

function rename(user: TestUser, conversationId: string, title: unknown) {
  return api<ConversationDto>(server.url, "PATCH", `/conversations/${conversationId}`, { token: user.token, json: { title } });
}

function add(user: TestUser, conversationId: string, memberIds: unknown) {
  return api<ConversationDto>(server.url, "POST", `/conversations/${conversationId}/members`, { token: user.token, json: { member_ids: memberIds } });
}

function remove(user: TestUser, conversationId: string, userId: string) {
  return api<ConversationDto | null>(server.url, "DELETE", `/conversations/${conversationId}/members/${userId}`, { token: user.token });
}

function connect(user: TestUser): Promise<TestSocket> {
  return TestSocket.open(server.url, { token: user.token });
}

/** A round trip on the socket: every frame sent to it before this was handled has arrived. */
async function settle(socket: TestSocket): Promise<void> {
  await socket.request({ type: "ping" }, ["pong"]);
}

function framesOf(socket: TestSocket, conversationId: string): Frame[] {
  return socket.frames.filter((frame) => frame.conversation_id === conversationId || (frame.message as MessageDto | undefined)?.conversation_id === conversationId);
}

describe("creating a conversation", () => {
  it("records its creator", async () => {
    const { alice, conversationId } = await group();
    const response = await rename(alice, conversationId, "renamed");
    expect(response.body.created_by).toBe(alice.id);
  });
});

describe("renaming", () => {
  it("lets any member rename a group, and every member hears it as an event with the next seq", async () => {
    const { alice, bob, conversationId } = await group();
    await postMessage(server.url, alice, conversationId, "hello");
    const socket = await connect(alice);
    const response = await rename(bob, conversationId, "  Launch crew ");
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: conversationId, title: "Launch crew", last_seq: 2 });
    const frame = await socket.waitFor((candidate) => candidate.type === "conversation_updated");
    expect(frame).toMatchObject({
      seq: 2,
      conversation_id: conversationId,
      change: "renamed",
      actor_id: bob.id,
      user_ids: [],
      conversation: { id: conversationId, title: "Launch crew", is_group: true, created_by: alice.id },
    });
    await socket.close();
  });

  it("stores no event when the title is unchanged", async () => {
    const { alice, conversationId } = await group();
    await rename(alice, conversationId, "same");
    const again = await rename(alice, conversationId, "same");
    expect(again.status).toBe(200);
    expect(again.body.last_seq).toBe(1);
  });

  it("refuses an empty title with 422", async () => {
    const { alice, conversationId } = await group();
    expect((await rename(alice, conversationId, "   ")).status).toBe(422);
    expect((await rename(alice, conversationId, 42)).status).toBe(422);
  });

  it("refuses to rename a 1-on-1 with 409", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    expect((await rename(alice, conversationId, "us")).status).toBe(409);
  });

  it("refuses a non-member with 403 and an unknown conversation with 404", async () => {
    const { conversationId } = await group();
    const outsider = await createUser(server.url);
    expect((await rename(outsider, conversationId, "mine")).status).toBe(403);
    expect((await rename(outsider, "no-such-conversation", "mine")).status).toBe(404);
  });
});

describe("adding members", () => {
  it("lets any member add people, ignoring those already in", async () => {
    const { bob, carol, conversationId } = await group();
    const dave = await createUser(server.url);
    const response = await add(bob, conversationId, [dave.id, carol.id]);
    expect(response.status).toBe(200);
    expect(response.body.member_ids).toContain(dave.id);
    expect(response.body.member_ids).toHaveLength(4);
    expect(response.body.last_seq).toBe(1);
  });

  it("answers 404 for an unknown user id and adds nobody", async () => {
    const { alice, conversationId } = await group();
    const dave = await createUser(server.url);
    expect((await add(alice, conversationId, [dave.id, "no-such-user"])).status).toBe(404);
    expect((await rename(alice, conversationId, "check")).body.member_ids).not.toContain(dave.id);
  });

  it("refuses malformed member_ids with 422", async () => {
    const { alice, conversationId } = await group();
    expect((await add(alice, conversationId, [])).status).toBe(422);
    expect((await add(alice, conversationId, "someone")).status).toBe(422);
  });

  it("refuses to add to a 1-on-1 with 409", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    expect((await add(alice, conversationId, [carol.id])).status).toBe(409);
  });

  it("shows the added member the conversation live, then its whole history by GET and by sync", async () => {
    const { alice, conversationId } = await group();
    await postMessage(server.url, alice, conversationId, "before dave");
    const dave = await createUser(server.url);
    const socket = await connect(dave);
    await add(alice, conversationId, [dave.id]);
    const frame = await socket.waitFor((candidate) => candidate.type === "conversation_updated");
    expect(frame).toMatchObject({ seq: 2, change: "members_added", user_ids: [dave.id] });

    const history = await api<{ messages: MessageDto[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: dave.token });
    expect(history.status).toBe(200);
    expect(history.body.messages.map((message) => message.content)).toEqual(["before dave"]);

    const synced = await socket.request({ type: "sync", cursors: { [conversationId]: 0 } }, ["synced"]);
    expect(synced.cursors).toMatchObject({ [conversationId]: 2 });
    expect(socket.messages(conversationId).map((message) => message.content)).toEqual(["before dave"]);
    await socket.close();
  });
});

describe("removing members and leaving", () => {
  it("lets the creator remove a member", async () => {
    const { alice, carol, conversationId } = await group();
    const response = await remove(alice, conversationId, carol.id);
    expect(response.status).toBe(200);
    expect(response.body?.member_ids).not.toContain(carol.id);
  });

  it("forbids anyone but the creator to remove others", async () => {
    const { bob, carol, conversationId } = await group();
    expect((await remove(bob, conversationId, carol.id)).status).toBe(403);
  });

  it("lets any member leave, answering 204", async () => {
    const { bob, conversationId } = await group();
    expect((await remove(bob, conversationId, bob.id)).status).toBe(204);
  });

  it("answers 404 for removing someone who is not a member", async () => {
    const { alice, conversationId } = await group();
    const outsider = await createUser(server.url);
    expect((await remove(alice, conversationId, outsider.id)).status).toBe(404);
  });

  it("refuses to change the members of a 1-on-1 with 409", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    expect((await remove(alice, conversationId, alice.id)).status).toBe(409);
  });

  it("tells the remaining members who left", async () => {
    const { alice, bob, conversationId } = await group();
    const socket = await connect(alice);
    await remove(bob, conversationId, bob.id);
    const frame = await socket.waitFor((candidate) => candidate.type === "conversation_updated");
    expect(frame).toMatchObject({ change: "member_removed", actor_id: bob.id, user_ids: [bob.id] });
    expect((frame.conversation as ConversationDto).member_ids).not.toContain(bob.id);
    await socket.close();
  });

  it("gives each connection of the removed member one conversation_removed and nothing of the conversation after it", async () => {
    const { alice, carol, conversationId } = await group();
    const phone = await connect(carol);
    const laptop = await connect(carol);
    await postMessage(server.url, alice, conversationId, "still here");
    await remove(alice, conversationId, carol.id);
    await postMessage(server.url, alice, conversationId, "after carol");
    await rename(alice, conversationId, "without carol");
    for (const socket of [phone, laptop]) {
      await socket.waitFor((frame) => frame.type === "conversation_removed");
      await settle(socket);
      const frames = framesOf(socket, conversationId);
      expect(frames.map((frame) => frame.type)).toEqual(["message", "conversation_removed"]);
      expect(frames[1]).toEqual({ type: "conversation_removed", conversation_id: conversationId, seq: 2 });
      await socket.close();
    }
  });

  it("stops a removed member from reading, posting, joining or syncing the conversation", async () => {
    const { alice, carol, conversationId } = await group();
    await postMessage(server.url, alice, conversationId, "secret plans");
    await remove(alice, conversationId, carol.id);

    expect((await api(server.url, "GET", `/conversations/${conversationId}/messages`, { token: carol.token })).status).toBe(403);
    expect((await postMessage(server.url, carol, conversationId, "let me in")).status).toBe(403);
    const list = await api<{ conversations: ConversationDto[] }>(server.url, "GET", "/conversations", { token: carol.token });
    expect(list.body.conversations.map((conversation) => conversation.id)).not.toContain(conversationId);

    const socket = await connect(carol);
    expect(await socket.request({ type: "join", conversation_id: conversationId }, ["joined", "error"])).toMatchObject({ type: "error" });
    const synced = await socket.request({ type: "sync", cursors: { [conversationId]: 0 } }, ["synced"]);
    expect(synced.cursors).not.toHaveProperty(conversationId);
    expect(await socket.request({ type: "sync", conversation_id: conversationId, after_seq: 0 }, ["synced", "error"])).toMatchObject({ type: "error" });
    expect(await socket.request({ type: "message", conversation_id: conversationId, message_id: "m-1", content: "hi" }, ["message", "error"])).toMatchObject({ type: "error" });
    expect(socket.messages(conversationId)).toEqual([]);
    await socket.close();
  });

  it("refuses a removed member even a retry of a message they sent while a member", async () => {
    const { alice, carol, conversationId } = await group();
    const messageId = randomUUID();
    expect((await postMessage(server.url, carol, conversationId, "before", messageId)).status).toBe(201);
    await remove(alice, conversationId, carol.id);
    expect((await postMessage(server.url, carol, conversationId, "before", messageId)).status).toBe(403);
  });

  it("shows a member added back the conversation live again", async () => {
    const { alice, carol, conversationId } = await group();
    const socket = await connect(carol);
    await remove(alice, conversationId, carol.id);
    await socket.waitFor((frame) => frame.type === "conversation_removed");
    await add(alice, conversationId, [carol.id]);
    await postMessage(server.url, alice, conversationId, "welcome back");
    await socket.waitForMessages(1, conversationId);
    expect(framesOf(socket, conversationId).map((frame) => frame.type)).toEqual(["conversation_removed", "conversation_updated", "message"]);
    await socket.close();
  });
});
