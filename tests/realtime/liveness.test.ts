import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser, postMessage } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { stalledClient, TestSocket } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { WS_HEARTBEAT_MS: "200", WS_MAX_BUFFERED_BYTES: "65536" } });
});
afterAll(() => server.stop());

describe("liveness", () => {
  it("drops a connection that stops answering pings", async () => {
    const user = await createUser(server.url);
    const stalled = await stalledClient(server, user.token);
    await stalled.closed();
    expect(server.logs.some((line) => line.includes('"ws heartbeat missed"'))).toBe(true);
  });

  it("keeps a connection that answers pings", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const socket = await TestSocket.open(server.url, { token: bob.token });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await postMessage(server.url, alice, conversationId, "still here");
    expect((await socket.waitForMessages(1))[0]!.content).toBe("still here");
    expect(socket.closed).toBeNull();
    await socket.close();
  });
});
