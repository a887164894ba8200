import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

let server: TestServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.stop();
});

async function connect(token: string): Promise<TestSocket> {
  const socket = await TestSocket.open(server.url, { token });
  sockets.push(socket);
  return socket;
}

async function group() {
  const [alice, bob, dave] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob"), createUser(server.url, "dave")]);
  const conversationId = await createConversation(server.url, alice, [bob], "crew", true);
  return { alice, bob, dave, conversationId };
}

describe("group changes over the socket", () => {
  it("renames the group, answered by the conversation_updated event every member gets", async () => {
    const { alice, bob, conversationId } = await group();
    const [a, b] = await Promise.all([connect(alice.token), connect(bob.token)]);
    const event = await a.request({ type: "rename", conversation_id: conversationId, title: "Launch crew" }, ["conversation_updated"]);
    expect(event).toMatchObject({ seq: 1, conversation_id: conversationId, change: "renamed", actor_id: alice.id, conversation: { title: "Launch crew" } });
    expect(await b.waitFor((frame) => frame.type === "conversation_updated")).toEqual(event);
  });

  it("adds people by id, and the conversation appears live on their connections", async () => {
    const { alice, dave, conversationId } = await group();
    const [a, d] = await Promise.all([connect(alice.token), connect(dave.token)]);
    a.send({ type: "add_members", conversation_id: conversationId, member_ids: [dave.id] });
    expect(await d.waitFor((frame) => frame.type === "conversation_updated")).toMatchObject({ change: "members_added", user_ids: [dave.id] });
  });

  it("removes a member for the creator, and lets a member leave, each getting one conversation_removed", async () => {
    const { alice, bob, dave, conversationId } = await group();
    await api(server.url, "POST", `/conversations/${conversationId}/members`, { token: alice.token, json: { member_ids: [dave.id] } });
    const [a, b, d] = await Promise.all([connect(alice.token), connect(bob.token), connect(dave.token)]);
    a.send({ type: "remove_member", conversation_id: conversationId, user_id: dave.id });
    expect(await d.waitFor((frame) => frame.type === "conversation_removed")).toEqual({ type: "conversation_removed", conversation_id: conversationId, seq: 2 });
    b.send({ type: "remove_member", conversation_id: conversationId, user_id: bob.id });
    expect(await b.waitFor((frame) => frame.type === "conversation_removed")).toEqual({ type: "conversation_removed", conversation_id: conversationId, seq: 3 });
  });

  it("answers a change that changes nothing with the group as it is, storing no event", async () => {
    const { alice, bob, conversationId } = await group();
    const a = await connect(alice.token);
    const answer = await a.request({ type: "add_members", conversation_id: conversationId, member_ids: [bob.id] }, ["unchanged", "conversation_updated"]);
    expect(answer).toMatchObject({ type: "unchanged", conversation: { id: conversationId, title: "crew", last_seq: 0 } });
  });

  it("refuses what REST refuses, with an error frame naming the conversation", async () => {
    const { alice, bob, conversationId } = await group();
    const direct = await createConversation(server.url, alice, [bob]);
    const b = await connect(bob.token);
    const removal = await b.request({ type: "remove_member", conversation_id: conversationId, user_id: alice.id }, ["error"]);
    expect(removal).toEqual({ type: "error", reason: "Only the group's creator may remove others", conversation_id: conversationId });
    const rename = await b.request({ type: "rename", conversation_id: direct, title: "ours" }, ["error"]);
    expect(rename).toEqual({ type: "error", reason: "A 1-on-1 conversation cannot be renamed or change members", conversation_id: direct });
    const blank = await b.request({ type: "rename", conversation_id: conversationId, title: " " }, ["error"]);
    expect(blank).toMatchObject({ type: "error", conversation_id: conversationId });
  });
});
