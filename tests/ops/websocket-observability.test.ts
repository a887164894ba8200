import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { scrape } from "../support/metrics";
import { startServer, type TestServer } from "../support/server";
import { eventually } from "../support/wait";
import { TestSocket } from "../support/ws";

const WS_LIMIT = 3;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_WS_MESSAGES: String(WS_LIMIT), RATE_LIMIT_WS_WINDOW_SECONDS: "60" } });
  [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
  conversationId = await createConversation(server.url, alice, [bob]);
});
afterAll(() => server.stop());

const sample = (samples: Map<string, number>, key: string) => samples.get(key) ?? 0;

async function metricEventually(key: string, expected: number): Promise<void> {
  let last = Number.NaN;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    last = sample(await scrape(server.url), key);
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${key} stayed at ${last}, expected ${expected}`);
}

describe("WebSocket metrics", () => {
  it("counts connections opened and those still open", async () => {
    const before = await scrape(server.url);
    const sockets = [await TestSocket.open(server.url, { token: alice.token }), await TestSocket.open(server.url, { token: bob.token })];
    const during = await scrape(server.url);
    expect(sample(during, "pneumatic_websocket_connections_total") - sample(before, "pneumatic_websocket_connections_total")).toBe(2);
    expect(sample(during, "pneumatic_websocket_connections_active") - sample(before, "pneumatic_websocket_connections_active")).toBe(2);
    await sockets[0]!.close();
    await metricEventually("pneumatic_websocket_connections_active", sample(before, "pneumatic_websocket_connections_active") + 1);
    await sockets[1]!.close();
    await metricEventually("pneumatic_websocket_connections_active", sample(before, "pneumatic_websocket_connections_active"));
  });

  it("counts frames received and sent", async () => {
    const socket = await TestSocket.open(server.url, { token: alice.token });
    const before = await scrape(server.url);
    await socket.request({ type: "ping" }, ["pong"]);
    await socket.request({ type: "ping" }, ["pong"]);
    const after = await scrape(server.url);
    await socket.close();
    expect(sample(after, "pneumatic_websocket_frames_received_total") - sample(before, "pneumatic_websocket_frames_received_total")).toBe(2);
    expect(sample(after, "pneumatic_websocket_frames_sent_total") - sample(before, "pneumatic_websocket_frames_sent_total")).toBe(2);
  });

  it("records the delivery latency of each live message handed to a connection", async () => {
    const [aliceSocket, bobSocket] = [await TestSocket.open(server.url, { token: alice.token }), await TestSocket.open(server.url, { token: bob.token })];
    const before = await scrape(server.url);
    expect((await postMessage(server.url, alice, conversationId, "latency")).status).toBe(201);
    await Promise.all([aliceSocket.waitForMessages(1, conversationId), bobSocket.waitForMessages(1, conversationId)]);
    await metricEventually("pneumatic_message_delivery_seconds_count", sample(before, "pneumatic_message_delivery_seconds_count") + 2);
    await Promise.all([aliceSocket.close(), bobSocket.close()]);
  });

  it("counts messages sent over WebSocket in pneumatic_messages_sent_total", async () => {
    const [carol, dave] = await Promise.all([createUser(server.url, "carol"), createUser(server.url, "dave")]);
    const id = await createConversation(server.url, carol, [dave]);
    const socket = await TestSocket.open(server.url, { token: carol.token });
    const before = await scrape(server.url);
    await socket.request({ type: "message", message_id: randomUUID(), conversation_id: id, content: "over ws" }, ["message", "error"]);
    const after = await scrape(server.url);
    await socket.close();
    expect(sample(after, "pneumatic_messages_sent_total") - sample(before, "pneumatic_messages_sent_total")).toBe(1);
  });
});

describe("WebSocket rate limiting", () => {
  it("answers message frames past the limit with an error frame and stores nothing, keeping the connection", async () => {
    const [erin, frank] = await Promise.all([createUser(server.url, "erin"), createUser(server.url, "frank")]);
    const id = await createConversation(server.url, erin, [frank]);
    const socket = await TestSocket.open(server.url, { token: erin.token });
    for (let i = 0; i < WS_LIMIT; i += 1) {
      const reply = await socket.request({ type: "message", message_id: randomUUID(), conversation_id: id, content: `m${i}` }, ["message", "error"]);
      expect(reply.type).toBe("message");
    }
    const refusedId = randomUUID();
    const refused = await socket.request({ type: "message", message_id: refusedId, conversation_id: id, content: "too many" }, ["message", "error"]);
    expect(refused).toMatchObject({ type: "error", message_id: refusedId, reason: expect.stringMatching(/too many/i) });
    expect(refused.retry_after).toBeGreaterThanOrEqual(1);
    expect(await socket.request({ type: "ping" }, ["pong"])).toEqual({ type: "pong" });
    const history = await api<{ messages: unknown[] }>(server.url, "GET", `/conversations/${id}/messages`, { token: erin.token });
    expect(history.body.messages).toHaveLength(WS_LIMIT);
    await socket.close();
  });

  it("counts every frame that does work, not only messages, and never a ping", async () => {
    const grace = await createUser(server.url, "grace");
    const socket = await TestSocket.open(server.url, { token: grace.token });
    for (let i = 0; i < WS_LIMIT; i += 1) {
      expect(await socket.request({ type: "sync", cursors: {} }, ["synced", "error"])).toMatchObject({ type: "synced" });
    }
    const refused = await socket.request({ type: "sync", conversation_id: "c-1", after_seq: 0 }, ["synced", "error"]);
    expect(refused).toMatchObject({ type: "error", conversation_id: "c-1", reason: expect.stringMatching(/too many/i) });
    for (let i = 0; i < 3; i += 1) expect(await socket.request({ type: "ping" }, ["pong"])).toEqual({ type: "pong" });
    await socket.close();
  });

  it("counts refused frames too: malformed, unknown and binary ones use up the limit", async () => {
    const ivan = await createUser(server.url, "ivan");
    const socket = await TestSocket.open(server.url, { token: ivan.token });
    const answered = () => socket.frames.filter((frame) => frame.type === "error").length;
    const refusals = ["{not json", JSON.stringify({ type: "launch" }), Buffer.from("binary")];
    for (const [index, frame] of refusals.entries()) {
      socket.socket.send(frame);
      await socket.waitFor(() => answered() === index + 1);
    }
    expect(socket.frames.map((frame) => frame.reason)).toEqual([expect.stringMatching(/valid JSON/), expect.any(String), expect.stringMatching(/binary/i)]);
    const refused = await socket.request({ type: "sync", cursors: {} }, ["synced", "error"]);
    expect(refused).toMatchObject({ type: "error", reason: expect.stringMatching(/too many/i) });
    await socket.close();
  });

  it("limits each user separately", async () => {
    const [gina, hank] = await Promise.all([createUser(server.url, "gina"), createUser(server.url, "hank")]);
    const id = await createConversation(server.url, gina, [hank]);
    const [ginaSocket, hankSocket] = [await TestSocket.open(server.url, { token: gina.token }), await TestSocket.open(server.url, { token: hank.token })];
    for (let i = 0; i <= WS_LIMIT; i += 1) {
      await ginaSocket.request({ type: "message", message_id: randomUUID(), conversation_id: id, content: `g${i}` }, ["error", "message"]);
    }
    const mine = randomUUID();
    const reply = await hankSocket.request({ type: "message", message_id: mine, conversation_id: id, content: "my turn" }, ["message", "error"]);
    expect(reply).toMatchObject({ type: "message" });
    await Promise.all([ginaSocket.close(), hankSocket.close()]);
  });
});

describe("WebSocket logs", () => {
  it("logs each refused upgrade with its status and path", async () => {
    expect(await TestSocket.refusal(server.url, { token: "not-a-token" })).toBe(401);
    await eventually(
      () => server.logs.some((line) => line.includes('"ws upgrade refused"') && line.includes('"status":401') && line.includes('"path":"/ws"')),
      () => "no log line for the refused upgrade",
    );
  });

  it("logs each connection and disconnection with the user, and never the token", async () => {
    const socket = await TestSocket.open(server.url, { token: bob.token });
    await socket.close();
    await eventually(
      () => server.logs.some((line) => line.includes('"ws disconnected"') && line.includes(bob.id)),
      () => "no disconnect log line",
    );
    expect(server.logs.some((line) => line.includes('"ws connected"') && line.includes(bob.id))).toBe(true);
    expect(server.logs.join("\n")).not.toContain(bob.token);
  });
});
