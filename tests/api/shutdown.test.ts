import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { api, createConversation, createUser } from "../support/api";
import { startServer } from "../support/server";
import { TestSocket } from "../support/ws";

function nextChunk(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once("data", (data: Buffer) => resolve(data.toString()));
    socket.once("error", reject);
  });
}

/** The status line and headers of the response, or what arrived before the server hung up. */
function responseHead(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (data: Buffer) => {
      text += data.toString();
      if (text.includes("\r\n\r\n")) resolve(text);
    });
    socket.once("close", () => resolve(text));
  });
}

describe("graceful shutdown", () => {
  it("finishes a request that is in flight when SIGTERM arrives and closes WebSockets with 1001", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "pneumatic-shutdown-"));
    const server = await startServer({ dataDir });
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const bobSocket = await TestSocket.open(server.url, { token: bob.token });

    // `Expect: 100-continue` makes the server confirm it has taken the request on before the
    // body is sent, so the request is provably in flight when the signal arrives.
    const body = JSON.stringify({ message_id: randomUUID(), conversation_id: conversationId, content: "sent during shutdown" });
    const raw = connect(server.port, "127.0.0.1");
    raw.write(
      `POST /messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${alice.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(await nextChunk(raw)).toMatch(/^HTTP\/1\.1 100 Continue/);

    const closing = bobSocket.waitForClose();
    const stopped = server.stop();
    expect((await closing).code).toBe(1001);
    const response = responseHead(raw);
    raw.write(body);
    expect(await response).toMatch(/^HTTP\/1\.1 201 /);
    raw.end();
    await stopped;

    const restarted = await startServer({
      dataDir,
      env: { SECRET_KEY: server.env.SECRET_KEY!, ...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : {}) },
    });
    const history = await api<{ messages: { content: string }[] }>(restarted.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.messages.map((message) => message.content)).toEqual(["sent during shutdown"]);
    await restarted.stop();
  });
});
