import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage } from "../support/api";
import { TestEventStream } from "../support/event-stream";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe("GET /events (Server-Sent Events)", () => {
  it("refuses a caller without a token or session with 401", async () => {
    const response = await fetch(`${server.url}/events`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "Not authenticated" });
  });

  it("refuses malformed cursors with 422, naming them", async () => {
    const alice = await createUser(server.url);
    const response = await api(server.url, "GET", "/events?cursors=%7Bnot-json", { token: alice.token });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ detail: expect.stringMatching(/^cursors: /) });
  });

  it("refuses a cursor whose conversation id holds NUL with 422, as a sync frame does", async () => {
    const alice = await createUser(server.url);
    const response = await api(server.url, "GET", `/events?cursors=${encodeURIComponent(JSON.stringify({ "a\u0000b": 0 }))}`, { token: alice.token });
    expect(response.status).toBe(422);
  });

  it("refuses a cursor past the 32-bit range with 422, as a sync frame and REST do", async () => {
    const alice = await createUser(server.url);
    const response = await api(server.url, "GET", `/events?cursors=${encodeURIComponent(JSON.stringify({ c: 2 ** 31 }))}`, { token: alice.token });
    expect(response.status).toBe(422);
  });

  it("answers synced for the cursors it opened with, then delivers live messages as frames", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const stream = await TestEventStream.open(server.url, { token: bob.token });
    expect(await stream.waitFor((frame) => frame.type === "synced")).toMatchObject({ cursors: { [conversationId]: 0 }, more: [] });
    const posted = await postMessage(server.url, alice, conversationId, "over the event stream");
    expect((await stream.waitForMessages(1, conversationId))[0]).toEqual(posted.body);
    await stream.close();
  });

  it("replays every event after the cursors exactly once, in order, whatever was posted meanwhile", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    for (let i = 1; i <= 5; i += 1) await postMessage(server.url, alice, conversationId, `before ${i}`);
    const stream = await TestEventStream.open(server.url, { token: bob.token, cursors: { [conversationId]: 2 } });
    await Promise.all([6, 7, 8].map((i) => postMessage(server.url, alice, conversationId, `during ${i}`)));
    const messages = await stream.waitForMessages(6, conversationId);
    await stream.waitFor((frame) => frame.type === "synced");
    expect(messages.map((message) => message.seq)).toEqual([3, 4, 5, 6, 7, 8]);
    await stream.close();
  });

  it("starts the next sync round itself when one round stops at its limit", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    // One round replays at most 1000 events per conversation.
    const witness = await TestSocket.open(server.url, { token: alice.token });
    await Promise.all(Array.from({ length: 1005 }, (_, i) => postMessage(server.url, alice, conversationId, `bulk ${i}`)));
    // Once another client has heard every event live, none can reach the stream live: all of it is replay.
    await witness.waitForMessages(1005, conversationId, 30_000);
    await witness.close();
    const stream = await TestEventStream.open(server.url, { token: bob.token });
    const messages = await stream.waitForMessages(1005, conversationId, 30_000);
    await stream.waitFor((frame) => frame.type === "synced" && Array.isArray(frame.more) && frame.more.length === 0);
    expect(new Set(messages.map((message) => message.seq)).size).toBe(1005);
    expect(stream.frames.filter((frame) => frame.type === "synced").map((frame) => frame.more)).toEqual([[conversationId], []]);
    await stream.close();
  }, 60_000);

  it("ends on shutdown, so clients reconnect elsewhere instead of holding the server up", async () => {
    const instance = await startServer();
    const alice = await createUser(instance.url);
    const stream = await TestEventStream.open(instance.url, { token: alice.token });
    await stream.waitFor((frame) => frame.type === "synced");
    await Promise.all([instance.stop(), stream.ended()]);
    expect(instance.logs.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    expect(instance.logs.some((line) => line.includes("shutdown timeout"))).toBe(false);
  });
});
