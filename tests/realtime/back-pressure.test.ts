import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { eventually } from "../support/wait";
import { stalledClient, TestSocket } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { WS_MAX_BUFFERED_BYTES: "65536" } });
});
afterAll(() => server.stop());

describe("back-pressure", () => {
  it("disconnects a client that stops reading while others keep receiving everything", async () => {
    const [alice, slow, healthy] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [slow, healthy]);
    const stalled = await stalledClient(server, slow.token);
    const [aliceSocket, healthySocket] = await Promise.all([
      TestSocket.open(server.url, { token: alice.token }),
      TestSocket.open(server.url, { token: healthy.token }),
    ]);

    // Enough output (about 8 MB) to fill the loopback socket buffers of the stalled client and then some.
    const count = 2000;
    const bulky = "x".repeat(3990);
    for (let i = 0; i < count; i++) {
      aliceSocket.send({ type: "message", message_id: randomUUID(), conversation_id: conversationId, content: `${i} ${bulky}` });
    }
    const received = await healthySocket.waitForMessages(count, conversationId, 120_000);
    expect(received.map((m) => m.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    await eventually(
      () => server.logs.some((line) => line.includes('"slow consumer dropped"')),
      () => "the stalled client was not dropped",
    );
    await stalled.closed();
    await Promise.all([aliceSocket.close(), healthySocket.close()]);
  }, 180_000);
});
