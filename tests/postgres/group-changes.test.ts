import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// Two instances of the real server on one PostgreSQL database, as behind a load balancer.
let a: TestServer;
let b: TestServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  a = await startServer();
  b = await startServer({ env: { DATABASE_URL: a.databaseUrl!, SECRET_KEY: a.env.SECRET_KEY! } });
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await Promise.all([a.stop(), b.stop()]);
});

async function connect(server: TestServer, user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.open(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

describe("group changes across instances", () => {
  it("stops a removed member's connections on the other instance at once, with one conversation_removed last", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(a.url), createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob, carol], "team");
    const carolOnB = await connect(b, carol);
    const bobOnB = await connect(b, bob);
    await postMessage(a.url, alice, conversationId, "before");
    await api(a.url, "DELETE", `/conversations/${conversationId}/members/${carol.id}`, { token: alice.token });
    await postMessage(a.url, alice, conversationId, "after");
    await bobOnB.waitForMessages(2, conversationId);
    await carolOnB.waitFor((frame) => frame.type === "conversation_removed");
    await carolOnB.request({ type: "ping" }, ["pong"]);
    const aboutIt = carolOnB.frames.filter((frame) => frame.type !== "pong" && frame.type !== "synced" && frame.type !== "presence");
    expect(aboutIt.map((frame) => frame.type)).toEqual(["message", "conversation_removed"]);
    expect(aboutIt[1]).toEqual({ type: "conversation_removed", conversation_id: conversationId, seq: 2 });
  });

  it("shows a member added through one instance the conversation live on the other", async () => {
    const [alice, bob, carol, dave] = await Promise.all([createUser(a.url), createUser(a.url), createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob, carol], "team");
    const daveOnB = await connect(b, dave);
    await api(a.url, "POST", `/conversations/${conversationId}/members`, { token: alice.token, json: { member_ids: [dave.id] } });
    const frame = await daveOnB.waitFor((candidate) => candidate.type === "conversation_updated");
    expect(frame).toMatchObject({ conversation_id: conversationId, change: "members_added", user_ids: [dave.id] });
    await postMessage(a.url, alice, conversationId, "welcome");
    expect((await daveOnB.waitForMessages(1, conversationId))[0]!.content).toBe("welcome");
  });
});
