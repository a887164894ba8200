import { rmSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser, postMessage } from "../support/api";
import { copyProject } from "../support/project-copy";
import { DEV_SERVER, startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

let server: TestServer;
let project: string;

beforeAll(async () => {
  project = copyProject("pneumatic-dev-mode-");
  server = await startServer({ env: { NODE_ENV: "development" }, command: { ...DEV_SERVER, cwd: project } });
}, 120_000);
afterAll(async () => {
  await server.stop();
  rmSync(project, { recursive: true, force: true });
});

// Production shares the hub the same way; every other realtime suite runs against `next build`.
describe("under next dev", () => {
  it("delivers a message posted to a route handler to the WebSocket server's clients", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const posted = await postMessage(server.url, alice, conversationId, "compiled on demand");
    expect((await socket.waitForMessages(1))[0]).toEqual(posted.body);
    await socket.close();
  }, 120_000);

  it("logs each request once, as one JSON line", async () => {
    const response = await fetch(`${server.url}/health`);
    const requestId = response.headers.get("x-request-id")!;
    await expect.poll(() => server.logs.filter((line) => line.includes(requestId)).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.logs.filter((line) => /GET \/health/.test(line) || line.includes(requestId))).toHaveLength(1);
  }, 60_000);
});
