import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser, postMessage } from "../support/api";
import { TestEventStream } from "../support/event-stream";
import { startNextServer, type TestServer } from "../support/server";

// Two Vercel-style instances (`next start`, no WebSocket server) on one PostgreSQL database.
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  a = await startNextServer();
  b = await startNextServer({ env: { DATABASE_URL: a.databaseUrl!, SECRET_KEY: a.env.SECRET_KEY! } });
});
afterAll(() => Promise.all([a.stop(), b.stop()]));

describe("the event stream across next start instances", () => {
  it("delivers what is posted to one instance to a stream opened on the other, once and in order", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    await postMessage(b.url, alice, conversationId, "before");
    const stream = await TestEventStream.open(a.url, { token: bob.token });
    await Promise.all(["one", "two", "three"].map((content) => postMessage(b.url, alice, conversationId, content)));
    const messages = await stream.waitForMessages(4, conversationId);
    expect(messages.map((message) => message.seq)).toEqual([1, 2, 3, 4]);
    await stream.close();
  });
});
