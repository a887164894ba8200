import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage } from "../support/api";
import { startServer, type ServerCommand, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

/**
 * The folder scripts/build-standalone.sh assembles and the Dockerfile copies into its image,
 * copied to an empty place and run as `node server.mjs` by an unprivileged user (CI runs as
 * root), the way the container runs it.
 */
let bundle: string;
let server: TestServer;
let runAs: number;

function unprivileged(): { command: ServerCommand; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }));
  const gid = Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }));
  const command = {
    program: "setpriv",
    args: [`--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--", process.execPath, "server.mjs"],
  };
  return { command, uid, gid };
}

beforeAll(async () => {
  const root = mkdtempSync(path.join(tmpdir(), "pneumatic-standalone-"));
  chmodSync(root, 0o755);
  bundle = path.join(root, "app");
  // Verbatim: cpSync would point the bundle's relative links (to its external packages) back at the build folder.
  cpSync(".next/standalone", bundle, { recursive: true, verbatimSymlinks: true });
  const dataDir = path.join(root, "data");
  mkdirSync(dataDir);
  const user = unprivileged();
  if (user) chownSync(dataDir, user.uid, user.gid);
  runAs = user?.uid ?? process.getuid?.() ?? 0;
  const command = user?.command ?? { program: process.execPath, args: ["server.mjs"] };
  server = await startServer({ dataDir, command: { ...command, cwd: bundle } });
});
afterAll(async () => {
  await server.stop();
  rmSync(path.dirname(bundle), { recursive: true, force: true });
});

describe("the standalone bundle", () => {
  it("carries everything it needs: no node_modules outside it to fall back on", () => {
    const outside = [path.dirname(bundle), path.dirname(path.dirname(bundle)), "/"].map((dir) => path.join(dir, "node_modules"));
    expect(outside.filter((dir) => existsSync(dir))).toEqual([]);
    expect(existsSync(path.join(bundle, "app"))).toBe(false);
  });

  it("carries no database or signing key of the machine it was built on", () => {
    expect(existsSync(path.join(bundle, "data"))).toBe(false);
  });

  it("runs as an unprivileged user, writing only to DATA_DIR", () => {
    expect(runAs).not.toBe(0);
    expect(statSync(path.join(server.dataDir, "pneumatic.db")).uid).toBe(runAs);
  });

  it("serves the walkthrough: sign up, log in, start a conversation, send, list", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    expect((await postMessage(server.url, alice, conversationId, "from the bundle")).status).toBe(201);
    const history = await api<{ messages: { content: string }[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.messages.map((message) => message.content)).toEqual(["from the bundle"]);
  });

  it("exchanges messages over its WebSocket", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const [aliceSocket, bobSocket] = await Promise.all([
      TestSocket.open(server.url, { token: alice.token }),
      TestSocket.open(server.url, { token: bob.token }),
    ]);
    aliceSocket.send({ type: "message", message_id: "bundle-ws-1", conversation_id: conversationId, content: "over the socket" });
    const [received] = await bobSocket.waitForMessages(1, conversationId);
    expect(received).toMatchObject({ content: "over the socket", sender_id: alice.id });
    await Promise.all([aliceSocket.close(), bobSocket.close()]);
  });
});
