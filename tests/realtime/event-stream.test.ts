import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { MessageDto } from "@/lib/chat/present";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { runInterleaving } from "../support/interleaving";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// Restarts keep the data: SQLite's in this directory, PostgreSQL's in the first server's database.
const dataDir = mkdtempSync(path.join(tmpdir(), "pneumatic-stream-"));
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ dataDir });
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function restart(): Promise<void> {
  const { databaseUrl, env } = server;
  await server.stop();
  server = await startServer({ dataDir, env: { SECRET_KEY: env.SECRET_KEY!, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } });
}

async function pairWith(count: number): Promise<{ alice: TestUser; bob: TestUser; conversationId: string }> {
  const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
  const conversationId = await createConversation(server.url, alice, [bob]);
  for (let i = 1; i <= count; i++) await postMessage(server.url, alice, conversationId, `message ${i}`);
  return { alice, bob, conversationId };
}

/**
 * The socket got each of `seqs` once: 6 live, and what its sync replayed below it in order.
 * (Message 5's announcement may still be on its way when the socket opens, and arrive live too.)
 */
function expectEachOnce(socket: TestSocket, seqs: number[]): void {
  const received = socket.messages().map((message) => message.seq);
  expect([...received].sort((a, b) => a - b)).toEqual(seqs);
  const replayed = received.slice(received.indexOf(6) + 1);
  expect(replayed).toEqual([...replayed].sort((a, b) => a - b));
}

/** Sends a raw upgrade request and resolves with the status line and whether the server closed the socket. */
function rawUpgrade(pathname: string): Promise<{ status: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1");
    let response = "";
    socket.on("data", (chunk) => (response += chunk.toString()));
    socket.on("error", reject);
    socket.on("end", () => {
      socket.destroy();
      resolve({ status: response.split("\r\n")[0] ?? "", closedByServer: true });
    });
    socket.write(
      `GET ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
  });
}

describe("the conversation event stream", () => {
  it("numbers a conversation's messages 1, 2, 3", async () => {
    const { alice, conversationId } = await pairWith(3);
    const page = await api<{ messages: { seq: number }[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: alice.token });
    expect(page.body.messages.map((message) => message.seq)).toEqual([1, 2, 3]);
  });

  it("replays the events below one delivered live before the sync, and nothing twice", async () => {
    const { alice, bob, conversationId } = await pairWith(5);
    const socket = await TestSocket.open(server.url, { token: bob.token });
    await postMessage(server.url, alice, conversationId, "message 6");
    await socket.waitFor((frame) => frame.type === "message" && (frame.message as MessageDto).seq === 6);
    const synced = await socket.request({ type: "sync", cursors: { [conversationId]: 2 } }, ["synced"]);
    expectEachOnce(socket, [3, 4, 5, 6]);
    expect(synced).toEqual({ type: "synced", cursors: { [conversationId]: 6 }, more: [] });
    await socket.close();
  });

  it("does the same for a single conversation's after_seq", async () => {
    const { alice, bob, conversationId } = await pairWith(5);
    const socket = await TestSocket.open(server.url, { token: bob.token });
    await postMessage(server.url, alice, conversationId, "message 6");
    await socket.waitFor((frame) => frame.type === "message" && (frame.message as MessageDto).seq === 6);
    const synced = await socket.request({ type: "sync", conversation_id: conversationId, after_seq: 2 }, ["synced"]);
    expectEachOnce(socket, [3, 4, 5, 6]);
    expect(synced).toMatchObject({ cursors: { [conversationId]: 6 } });
    await socket.close();
  });

  it("replays from a cursor read over REST ahead of what the socket got live, and sends nothing twice", async () => {
    const { alice, bob, conversationId } = await pairWith(0);
    const socket = await TestSocket.open(server.url, { token: bob.token });
    // Too big for a PostgreSQL notice: each instance loads them before announcing, so live delivery lags behind REST.
    const content = "€".repeat(4000);
    let posting = true;
    const poster = async () => {
      while (posting) await postMessage(server.url, alice, conversationId, content);
    };
    const posters = [poster(), poster(), poster()];
    let cursor = 0;
    for (let round = 0; round < 15; round++) {
      const page = await api<{ messages: MessageDto[] }>(server.url, "GET", `/conversations/${conversationId}/messages?after=${cursor}&limit=200`, { token: bob.token });
      cursor = page.body.messages.at(-1)?.seq ?? cursor;
      await socket.request({ type: "sync", cursors: { [conversationId]: cursor } }, ["synced", "error"]);
    }
    posting = false;
    await Promise.all(posters);
    const last = await postMessage(server.url, alice, conversationId, "the last");
    await socket.waitFor((frame) => frame.type === "message" && (frame.message as MessageDto).seq === last.body.seq);
    const received = socket.messages().map((message) => message.seq);
    expect(received).toEqual([...new Set(received)].sort((a, b) => a - b));
    expect(socket.frames.filter((frame) => frame.type === "error")).toEqual([]);
    await socket.close();
  });

  it("answers a frame it refuses with an error that carries the frame's ids", async () => {
    const { bob, conversationId } = await pairWith(0);
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const reply = await socket.request({ type: "message", message_id: "m-1", conversation_id: conversationId, content: "" }, ["error"]);
    expect(reply).toEqual({ type: "error", reason: "content: must not be empty", message_id: "m-1", conversation_id: conversationId });
    await socket.close();
  });

  it("refuses an upgrade to any other path with 404 and closes its socket", async () => {
    expect(await rawUpgrade("/not-the-socket")).toEqual({ status: "HTTP/1.1 404 Not Found", closedByServer: true });
    expect(await rawUpgrade("/_next/webpack-hmr")).toEqual({ status: "HTTP/1.1 404 Not Found", closedByServer: true });
  });

  it("holds no socket open for 300 refused upgrades and keeps answering", async () => {
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => rawUpgrade(`/probe/${i}`)));
    expect(results.every((result) => result.closedByServer && result.status.includes("404"))).toBe(true);
    expect((await api(server.url, "GET", "/health")).status).toBe(200);
  });

  for (const seed of [1, 2, 3]) {
    it(`delivers every event exactly once to every device under the random interleaving of seed ${seed}`, async () => {
      const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
      const conversationId = await createConversation(server.url, alice, [bob], "pair", true);
      await runInterleaving({ urls: () => [server.url], restart }, alice, bob, conversationId, { seed, operations: 80, restarts: 1 });
    }, 120_000);
  }
});
