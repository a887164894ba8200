import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { MessageDto as Message } from "@/lib/chat/present";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let eve: TestUser;
let conversationId: string;

beforeAll(async () => {
  server = await startServer();
  [alice, bob, eve] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob"), createUser(server.url, "eve")]);
  conversationId = await createConversation(server.url, alice, [bob]);
});
afterAll(() => server.stop());

async function history(user: TestUser, id: string, query = "") {
  return api<{ messages: Message[] }>(server.url, "GET", `/conversations/${id}/messages${query}`, { token: user.token });
}

async function freshConversation() {
  const [x, y] = await Promise.all([createUser(server.url), createUser(server.url)]);
  return { x, y, id: await createConversation(server.url, x, [y]) };
}

describe("POST /messages", () => {
  it("stores a message and returns it with a UTC timestamp", async () => {
    const messageId = randomUUID();
    const response = await api<Message>(server.url, "POST", "/messages", {
      token: alice.token,
      json: { message_id: messageId, sender_id: alice.id, conversation_id: conversationId, content: "  hello bob  " },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ message_id: messageId, sender_id: alice.id, conversation_id: conversationId, content: "hello bob" });
    expect(response.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it("refuses a sender_id other than the caller", async () => {
    const response = await api(server.url, "POST", "/messages", {
      token: alice.token,
      json: { message_id: randomUUID(), sender_id: bob.id, conversation_id: conversationId, content: "spoof" },
    });
    expect(response.status).toBe(403);
  });

  it("refuses a caller who is not a member", async () => {
    expect((await postMessage(server.url, eve, conversationId, "let me in")).status).toBe(403);
  });

  it("answers 404 for an unknown conversation", async () => {
    expect((await postMessage(server.url, alice, randomUUID(), "anyone?")).status).toBe(404);
    expect((await postMessage(server.url, alice, "no-such-id", "anyone?")).status).toBe(404);
  });

  it("returns the stored message for a repeated message_id and stores it once", async () => {
    const { x, id } = await freshConversation();
    const messageId = randomUUID();
    const first = await postMessage(server.url, x, id, "once", messageId);
    const second = await postMessage(server.url, x, id, "once", messageId);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect((await history(x, id)).body.messages).toHaveLength(1);
  });

  it("stores one message when the same message_id is retried concurrently", async () => {
    const { x, id } = await freshConversation();
    const messageId = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => postMessage(server.url, x, id, "retry", messageId)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const messages = (await history(x, id)).body.messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]!.seq).toBe(1);
  });

  it("lets two senders use the same message_id independently", async () => {
    const { x, y, id } = await freshConversation();
    const messageId = randomUUID();
    await postMessage(server.url, x, id, "from x", messageId);
    await postMessage(server.url, y, id, "from y", messageId);
    expect((await history(x, id)).body.messages.map((m) => m.content)).toEqual(["from x", "from y"]);
  });

  it("refuses a message_id reused for different content", async () => {
    const { x, id } = await freshConversation();
    const messageId = randomUUID();
    await postMessage(server.url, x, id, "original", messageId);
    const reuse = await postMessage(server.url, x, id, "something else", messageId);
    expect(reuse.status).toBe(409);
    expect((await history(x, id)).body.messages.map((m) => m.content)).toEqual(["original"]);
  });

  it.each([
    ["empty", ""],
    ["only whitespace", "  \n\t "],
    ["over 4000 characters", "x".repeat(4001)],
  ])("rejects content that is %s", async (_case, content) => {
    const response = await postMessage(server.url, alice, conversationId, content);
    expect(response.status).toBe(422);
    expect(response.body).toHaveProperty("detail");
  });

  it("accepts content of exactly 4000 characters", async () => {
    expect((await postMessage(server.url, alice, conversationId, "y".repeat(4000))).status).toBe(201);
  });

  it("numbers messages of a conversation consecutively under concurrent senders", async () => {
    const { x, y, id } = await freshConversation();
    await Promise.all(Array.from({ length: 30 }, (_, i) => postMessage(server.url, i % 2 ? x : y, id, `n${i}`)));
    const seqs = (await history(x, id, "?limit=200")).body.messages.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});

describe("POST /messages after logout", () => {
  /** A conversation of a fresh user and another, and the fresh user logged out. */
  async function loggedOut() {
    const conversation = await freshConversation();
    expect((await api(server.url, "POST", "/auth/logout", { token: conversation.x.token })).status).toBe(204);
    return conversation;
  }

  it("refuses the logged-out token with 401 and a Bearer challenge, and stores nothing", async () => {
    const { x, y, id } = await loggedOut();
    const response = await postMessage(server.url, x, id, "after logout");

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect((await history(y, id)).body.messages).toEqual([]);
  });

  it("answers 401 rather than 422 to invalid content under a logged-out token", async () => {
    const { x, id } = await loggedOut();
    expect((await postMessage(server.url, x, id, "")).status).toBe(401);
  });

  it("answers 401 rather than 400 to a body that is not JSON under a logged-out token", async () => {
    const { x } = await loggedOut();
    const response = await api(server.url, "POST", "/messages", { token: x.token, body: "{not json", headers: { "content-type": "application/json" } });
    expect(response.status).toBe(401);
  });

  it("answers 401 rather than 403 for a conversation the logged-out caller is not in", async () => {
    const { x } = await loggedOut();
    expect((await postMessage(server.url, x, conversationId, "not mine")).status).toBe(401);
  });

  it("answers 401 rather than the stored message to a retry after logout", async () => {
    const { x, y, id } = await freshConversation();
    const messageId = randomUUID();
    const send = () => postMessage(server.url, x, id, "once", messageId);
    expect((await send()).status).toBe(201);
    expect((await api(server.url, "POST", "/auth/logout", { token: x.token })).status).toBe(204);

    expect((await send()).status).toBe(401);
    expect((await history(y, id)).body.messages).toHaveLength(1);
  });
});

describe("GET /conversations/{id}/messages", () => {
  let pagedId: string;
  let reader: TestUser;

  beforeAll(async () => {
    const { x, id } = await freshConversation();
    reader = x;
    pagedId = id;
    for (let i = 1; i <= 12; i++) await postMessage(server.url, x, id, `message ${i}`);
  });

  it("returns the newest page in chronological order", async () => {
    const response = await history(reader, pagedId, "?limit=5");
    expect(response.status).toBe(200);
    expect(response.body.messages.map((m) => m.content)).toEqual([8, 9, 10, 11, 12].map((i) => `message ${i}`));
  });

  it("pages back with before", async () => {
    const response = await history(reader, pagedId, "?limit=5&before=8");
    expect(response.body.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
  });

  it("pages forward with after", async () => {
    const response = await history(reader, pagedId, "?limit=5&after=2");
    expect(response.body.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7]);
  });

  it("defaults to 50 messages", async () => {
    const { x, id } = await freshConversation();
    await Promise.all(Array.from({ length: 55 }, (_, i) => postMessage(server.url, x, id, `m${i}`)));
    const messages = (await history(x, id)).body.messages;
    expect(messages).toHaveLength(50);
    expect(messages[49]!.seq).toBe(55);
  });

  it.each(["?limit=0", "?limit=201", "?limit=abc", "?limit=", "?before=-1", "?before=", "?before=%20", "?after=0x20", "?before=2&after=1"])("rejects the query %s with 422", async (query) => {
    expect((await history(reader, pagedId, query)).status).toBe(422);
  });

  it("refuses a non-member", async () => {
    expect((await history(eve, pagedId)).status).toBe(403);
  });

  it("answers 404 for an unknown conversation", async () => {
    expect((await history(reader, randomUUID())).status).toBe(404);
  });
});
