import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage } from "../support/api";
import { createDatabase, startPostgresCluster, type PostgresCluster } from "../support/postgres";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// This file stops and starts PostgreSQL, so it has a cluster of its own.
let cluster: PostgresCluster;
let databaseUrl: string;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  cluster = await startPostgresCluster();
  databaseUrl = await createDatabase(cluster.adminUrl);
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await Promise.all(servers.map((server) => server.stop()));
  cluster.destroy();
});

async function instance(secretKey = "k".repeat(40)): Promise<TestServer> {
  const server = await startServer({ env: { DATABASE_URL: databaseUrl, SECRET_KEY: secretKey } });
  servers.push(server);
  return server;
}

/** Two instances sharing a secret, alice and bob in a conversation, and `whose` socket open on the second instance. */
async function acrossTwoInstances(secretKey: string, whose: "alice" | "bob") {
  const [a, b] = await Promise.all([instance(secretKey), instance(secretKey)]);
  const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
  const conversationId = await createConversation(a.url, alice, [bob]);
  const socket = await TestSocket.open(b.url, { token: (whose === "alice" ? alice : bob).token });
  sockets.push(socket);
  return { a, b, alice, conversationId, socket };
}

async function readiness(server: TestServer): Promise<number> {
  return (await api(server.url, "GET", "/ready")).status;
}

async function waitForReadiness(server: TestServer, status: number): Promise<void> {
  let last = 0;
  const deadline = Date.now() + 30_000;
  while ((last = await readiness(server)) !== status) {
    if (Date.now() > deadline) throw new Error(`/ready stayed ${last}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a PostgreSQL outage", () => {
  it("makes /ready answer 503 while the database is down and 200 again once it is back, by itself", async () => {
    const server = await instance();
    expect(await readiness(server)).toBe(200);
    cluster.stop();
    await waitForReadiness(server, 503);
    expect((await api(server.url, "GET", "/health")).status).toBe(200);
    cluster.start();
    await waitForReadiness(server, 200);
    expect((await api(server.url, "POST", "/auth/signup", { json: { username: "after_outage", password: "long enough" } })).status).toBe(201);
  });

  it("answers API calls with 503 and Retry-After while the database is down, not 500", async () => {
    const server = await instance();
    const alice = await createUser(server.url);
    cluster.stop();
    try {
      await waitForReadiness(server, 503);
      const response = await api(server.url, "GET", "/users", { token: alice.token });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("1");
      expect(response.body).toEqual({ detail: "The database is unavailable; try again shortly" });
    } finally {
      cluster.start();
    }
    await waitForReadiness(server, 200);
    expect((await api(server.url, "GET", "/users", { token: alice.token })).status).toBe(200);
  });

  it("lets an instance start while the database is down and serve once it comes up", async () => {
    cluster.stop();
    let server: TestServer;
    try {
      server = await instance();
      expect(await readiness(server)).toBe(503);
    } finally {
      cluster.start();
    }
    await waitForReadiness(server, 200);
    expect((await createUser(server.url)).id).toEqual(expect.any(String));
  });

  it("delivers across instances again after PostgreSQL restarts", async () => {
    const { a, b, alice, conversationId, socket: bobOnB } = await acrossTwoInstances("s".repeat(40), "bob");
    await postMessage(a.url, alice, conversationId, "before the outage");
    await bobOnB.waitForMessages(1);

    cluster.stop();
    cluster.start();
    await Promise.all([waitForReadiness(a, 200), waitForReadiness(b, 200)]);
    const posted = await postMessage(a.url, alice, conversationId, "after the outage");
    expect(posted.status).toBe(201);
    const received = await bobOnB.waitForMessages(2, undefined, 20_000);
    expect(received.map((message) => message.content)).toEqual(["before the outage", "after the outage"]);
    expect(bobOnB.closed).toBeNull();
  }, 60_000);

  it("closes a session's socket on another instance when it is revoked after PostgreSQL was down", async () => {
    const { a, b, alice, conversationId, socket: aliceOnB } = await acrossTwoInstances("r".repeat(40), "alice");

    cluster.stop();
    // Down for longer than one attempt to reconnect: each listening connection must keep trying.
    await Promise.all([waitForReadiness(a, 503), waitForReadiness(b, 503)]);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    cluster.start();
    await Promise.all([waitForReadiness(a, 200), waitForReadiness(b, 200)]);
    // A message posted through the first instance reaches the second once it listens again.
    expect((await postMessage(a.url, alice, conversationId, "after the outage")).status).toBe(201);
    await aliceOnB.waitForMessages(1, undefined, 20_000);
    expect((await api(a.url, "POST", "/auth/logout", { token: alice.token })).status).toBe(204);
    expect(await aliceOnB.waitForClose(20_000)).toEqual({ code: 4001, reason: "session revoked" });
  }, 60_000);

  it("answers every WebSocket frame during the outage with an error that names it and says to retry", async () => {
    const server = await instance();
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const socket = await TestSocket.open(server.url, { token: alice.token });
    sockets.push(socket);
    cluster.stop();
    try {
      await waitForReadiness(server, 503);
      const frames = Array.from({ length: 12 }, (_, i) => ({ type: "message", message_id: `during-${i}`, conversation_id: conversationId, content: `${i}` }));
      for (const frame of frames) socket.send(frame);
      const answers = await Promise.all(
        frames.map((frame) => socket.waitFor((reply) => reply.type === "error" && reply.message_id === frame.message_id, 30_000)),
      );
      for (const answer of answers) {
        expect(answer).toMatchObject({ conversation_id: conversationId, retry_after: 1, reason: expect.stringMatching(/retry/i) });
      }
      expect(await TestSocket.refusal(server.url, { token: bob.token })).toBe(503);
    } finally {
      cluster.start();
    }
    await waitForReadiness(server, 200);
    socket.send({ type: "message", message_id: "during-0", conversation_id: conversationId, content: "0" });
    // The pool reconnects on this first query after the outage, which on a loaded machine takes a while.
    const retried = await socket.waitFor((frame) => frame.type === "message", 30_000);
    expect(retried).toMatchObject({ message: { message_id: "during-0", seq: 1 } });
  }, 90_000);
});
