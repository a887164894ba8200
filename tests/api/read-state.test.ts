import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { webLogIn } from "../support/web-session";
import { TestSocket } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

interface Summary {
  id: string;
  last_read_seq: number;
  unread_count: number;
  unread_mentions: number;
}

async function summaryOf(user: TestUser, conversationId: string): Promise<Summary> {
  const response = await api<{ conversations: Summary[] }>(server.url, "GET", "/conversations", { token: user.token });
  return response.body.conversations.find((conversation) => conversation.id === conversationId)!;
}

function read(user: TestUser, conversationId: string, seq: unknown) {
  return api<{ last_read_seq: number }>(server.url, "POST", `/conversations/${conversationId}/read`, { token: user.token, json: { seq } });
}

function connect(user: TestUser): Promise<TestSocket> {
  return TestSocket.open(server.url, { token: user.token });
}

async function chat(messagesFromAlice: number, messagesFromBob = 0) {
  const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
  const conversationId = await createConversation(server.url, alice, [bob]);
  for (let i = 0; i < messagesFromAlice; i++) await postMessage(server.url, alice, conversationId, `from alice ${i}`);
  for (let i = 0; i < messagesFromBob; i++) await postMessage(server.url, bob, conversationId, `from bob ${i}`);
  return { alice, bob, conversationId };
}

describe("read state", () => {
  it("starts at 0 with every message by others unread, and none of one's own", async () => {
    const { alice, bob, conversationId } = await chat(3, 2);
    expect(await summaryOf(bob, conversationId)).toMatchObject({ last_read_seq: 0, unread_count: 3 });
    expect(await summaryOf(alice, conversationId)).toMatchObject({ last_read_seq: 0, unread_count: 2 });
  });

  it("moves the marker forward and counts only what follows it", async () => {
    const { bob, conversationId } = await chat(5);
    const response = await read(bob, conversationId, 3);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ last_read_seq: 3 });
    expect(await summaryOf(bob, conversationId)).toMatchObject({ last_read_seq: 3, unread_count: 2 });
  });

  it("counts the unread messages that mention the reader, and none once they are read or deleted", async () => {
    const { alice, bob, conversationId } = await chat(1);
    const named = await postMessage(server.url, alice, conversationId, `over to you @${bob.username}`);
    const deleted = await postMessage(server.url, alice, conversationId, `and you @${bob.username}`);
    await api(server.url, "DELETE", `/messages/${deleted.body.id}`, { token: alice.token });
    await postMessage(server.url, bob, conversationId, `thanks @${alice.username}`);
    expect(await summaryOf(bob, conversationId)).toMatchObject({ unread_count: 2, unread_mentions: 1 });
    await read(bob, conversationId, named.body.seq);
    expect(await summaryOf(bob, conversationId)).toMatchObject({ unread_count: 0, unread_mentions: 0 });
  });

  it("never moves backwards: a read behind the marker answers the unchanged value", async () => {
    const { bob, conversationId } = await chat(5);
    await read(bob, conversationId, 4);
    const behind = await read(bob, conversationId, 1);
    expect(behind.status).toBe(200);
    expect(behind.body).toEqual({ last_read_seq: 4 });
  });

  it("caps the marker at the newest event", async () => {
    const { bob, conversationId } = await chat(2);
    expect((await read(bob, conversationId, 1000)).body).toEqual({ last_read_seq: 2 });
    expect(await summaryOf(bob, conversationId)).toMatchObject({ unread_count: 0 });
  });

  it("puts Seen, in the page as the server renders it, under the user's last message once the other person read it", async () => {
    const { alice, bob, conversationId } = await chat(2);
    const { cookie } = await webLogIn(server.url, alice.username, alice.password);
    const page = async () => (await fetch(`${server.url}/chat?c=${conversationId}`, { headers: { cookie: cookie! } })).text();
    await read(bob, conversationId, 1);
    expect(await page()).not.toContain('data-testid="seen"');
    await read(bob, conversationId, 2);
    expect(await page()).toMatch(/from alice 1[\s\S]*data-testid="seen"/);
  });

  it("refuses non-members (403), unknown conversations (404) and bad markers (422)", async () => {
    const { conversationId } = await chat(1);
    const stranger = await createUser(server.url);
    expect((await read(stranger, conversationId, 1)).status).toBe(403);
    expect((await read(stranger, "no-such-conversation", 1)).status).toBe(404);
    const { bob, conversationId: own } = await chat(1);
    for (const seq of [-1, 1.5, "3", null, 2 ** 31]) expect((await read(bob, own, seq)).status).toBe(422);
  });

  it("tells every member's clients, the reader's other devices included, when the marker moves", async () => {
    const { alice, bob, conversationId } = await chat(3);
    const sockets = await Promise.all([connect(alice), connect(bob), connect(bob)]);
    await read(bob, conversationId, 2);
    const expected = { type: "read", conversation_id: conversationId, user_id: bob.id, seq: 2 };
    for (const socket of sockets) expect(await socket.waitFor((frame) => frame.type === "read")).toEqual(expected);
    await Promise.all(sockets.map((socket) => socket.close()));
  });

  it("accepts the marker as a socket frame, and answers one behind the marker to its sender alone", async () => {
    const { alice, bob, conversationId } = await chat(3);
    const [aliceSocket, bobSocket] = await Promise.all([connect(alice), connect(bob)]);
    const moved = await bobSocket.request({ type: "read", conversation_id: conversationId, seq: 3 }, ["read"]);
    expect(moved).toEqual({ type: "read", conversation_id: conversationId, user_id: bob.id, seq: 3 });
    await aliceSocket.waitFor((frame) => frame.type === "read");
    const unchanged = await bobSocket.request({ type: "read", conversation_id: conversationId, seq: 1 }, ["read"]);
    expect(unchanged).toMatchObject({ seq: 3 });
    await aliceSocket.request({ type: "ping" }, ["pong"]);
    expect(aliceSocket.frames.filter((frame) => frame.type === "read")).toHaveLength(1);
    await Promise.all([aliceSocket.close(), bobSocket.close()]);
  });
});

describe("typing", () => {
  it("reaches the other members, not the typist's own devices, at most once per 2 s", async () => {
    const { alice, bob, conversationId } = await chat(0);
    const [aliceSocket, bobSocket, bobPhone] = await Promise.all([connect(alice), connect(bob), connect(bob)]);
    for (let i = 0; i < 5; i++) bobSocket.send({ type: "typing", conversation_id: conversationId });
    await bobSocket.request({ type: "ping" }, ["pong"]);
    // Delivery is ordered per listener: once this later message arrives, any typing would have too.
    await postMessage(server.url, bob, conversationId, "marker");
    await Promise.all([aliceSocket, bobPhone].map((socket) => socket.waitForMessages(1)));
    expect(aliceSocket.frames.filter((frame) => frame.type === "typing")).toEqual([
      { type: "typing", conversation_id: conversationId, user_id: bob.id },
    ]);
    expect(bobPhone.frames.filter((frame) => frame.type === "typing")).toEqual([]);
    await Promise.all([aliceSocket, bobSocket, bobPhone].map((socket) => socket.close()));
  });

  it("answers typing in a conversation one is not in with an error naming it", async () => {
    const { conversationId } = await chat(0);
    const stranger = await createUser(server.url);
    const socket = await TestSocket.open(server.url, { token: stranger.token });
    const reply = await socket.request({ type: "typing", conversation_id: conversationId }, ["error"]);
    expect(reply).toMatchObject({ conversation_id: conversationId });
    await socket.close();
  });

  it("answers a repeat of such typing within the interval with an error too", async () => {
    const { conversationId } = await chat(0);
    const stranger = await createUser(server.url);
    const socket = await TestSocket.open(server.url, { token: stranger.token });
    for (let i = 0; i < 2; i++) {
      expect(await socket.request({ type: "typing", conversation_id: conversationId }, ["error"])).toMatchObject({ conversation_id: conversationId });
    }
    await socket.close();
  });
});
