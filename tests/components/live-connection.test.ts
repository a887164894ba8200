// @vitest-environment jsdom
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";

import type { MessageDto } from "@/lib/chat/present";
import type { ConnectionStatus, GroupChange } from "@/lib/web/chat-store";
import { LiveConnection, type LiveConnectionOptions } from "@/lib/web/live-connection";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { eventually } from "../support/wait";

/** jsdom's WebSocket is a real client (it sends jsdom's page origin, which the server must allow). */
const JSDOM_ORIGIN = new URL(window.location.href).origin;

let server: TestServer;
const connections: LiveConnection[] = [];

beforeAll(async () => {
  server = await startServer({ env: { WS_ALLOWED_ORIGINS: JSDOM_ORIGIN } });
});
afterEach(() => {
  for (const connection of connections.splice(0)) connection.stop();
});
afterAll(async () => {
  await server.stop();
});

interface Recorder {
  connection: LiveConnection;
  received: MessageDto[];
  changes: GroupChange[];
  removed: string[];
  statuses: ConnectionStatus[];
  cursors: Record<string, number>;
}

function connect(user: TestUser, cursors: Record<string, number> = {}, baseUrl = server.url, timing: Partial<LiveConnectionOptions> = {}): Recorder {
  const recorder: Recorder = { received: [], changes: [], removed: [], statuses: [], cursors, connection: null as unknown as LiveConnection };
  recorder.connection = new LiveConnection({
    url: `${baseUrl.replace(/^http/, "ws")}/ws?token=${user.token}`,
    cursors: () => recorder.cursors,
    onMessage: (message) => {
      recorder.received.push(message);
      recorder.cursors[message.conversation_id] = message.seq;
    },
    onMessageUpdated: ({ seq, conversation_id }) => {
      recorder.cursors[conversation_id] = seq;
    },
    onChange: (change) => recorder.changes.push(change),
    onRemoved: (conversationId) => recorder.removed.push(conversationId),
    onStatus: (status) => recorder.statuses.push(status),
    initialDelayMs: 50,
    maxDelayMs: 200,
    ...timing,
  });
  connections.push(recorder.connection);
  recorder.connection.start();
  return recorder;
}

/** Counts the WebSockets the code under test opens, until the test ends. */
function countOpenedSockets(): { opened: number } {
  const counter = { opened: 0 };
  const RealWebSocket = globalThis.WebSocket;
  globalThis.WebSocket = class extends RealWebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      counter.opened++;
    }
  };
  onTestFinished(() => {
    globalThis.WebSocket = RealWebSocket;
  });
  return counter;
}

function contents(recorder: Recorder): string[] {
  return recorder.received.map((message) => message.content);
}

describe("LiveConnection", () => {
  it("reports online once the first sync is answered, then delivers live messages", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const live = connect(bob, { [conversationId]: 0 });
    await eventually(() => live.statuses.at(-1) === "online", () => `statuses: ${live.statuses.join(", ")}`);
    expect(live.statuses[0]).toBe("connecting");
    await postMessage(server.url, alice, conversationId, "hello live");
    await eventually(() => live.received.length === 1, () => `received ${contents(live).join(", ")}`);
    expect(live.received[0]).toMatchObject({ content: "hello live", conversation_id: conversationId, seq: 1 });
  });

  it("fetches only what came after the cursors it connects with", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    for (const text of ["one", "two", "three"]) await postMessage(server.url, alice, conversationId, text);
    const live = connect(bob, { [conversationId]: 1 });
    await eventually(() => live.statuses.at(-1) === "online", () => `statuses: ${live.statuses.join(", ")}`);
    expect(contents(live)).toEqual(["two", "three"]);
  });

  it("shows a conversation it has never heard of when its first message arrives", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const live = connect(bob);
    await eventually(() => live.statuses.at(-1) === "online", () => `statuses: ${live.statuses.join(", ")}`);
    const conversationId = await createConversation(server.url, alice, [bob]);
    await postMessage(server.url, alice, conversationId, "first contact");
    await eventually(() => live.received.length === 1, () => `received ${contents(live).join(", ")}`);
    expect(live.received[0]!.conversation_id).toBe(conversationId);
  });

  it("hands on a group's changes, and the user's own removal from it", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob, carol], "team");
    const live = connect(bob);
    await eventually(() => live.statuses.at(-1) === "online", () => `statuses: ${live.statuses.join(", ")}`);
    await api(server.url, "PATCH", `/conversations/${conversationId}`, { token: alice.token, json: { title: "crew" } });
    await eventually(() => live.changes.length === 1, () => `changes: ${live.changes.length}`);
    expect(live.changes[0]).toMatchObject({ seq: 1, change: "renamed", conversation: { title: "crew" } });
    await api(server.url, "DELETE", `/conversations/${conversationId}/members/${bob.id}`, { token: alice.token });
    await eventually(() => live.removed.length === 1, () => `removed: ${live.removed.length}`);
    expect(live.removed).toEqual([conversationId]);
  });

  it("reconnects after the server restarts and receives what is sent from then on", async () => {
    // The database outlives the first server process, as it would in a real restart.
    const dataDir = mkdtempSync(path.join(tmpdir(), "pneumatic-restart-"));
    const restartable = await startServer({ dataDir, env: { WS_ALLOWED_ORIGINS: JSDOM_ORIGIN } });
    try {
      const [alice, bob] = await Promise.all([createUser(restartable.url), createUser(restartable.url)]);
      const conversationId = await createConversation(restartable.url, alice, [bob]);
      const recorder = connect(bob, { [conversationId]: 0 }, restartable.url);
      await eventually(() => recorder.statuses.at(-1) === "online", () => `statuses: ${recorder.statuses.join(", ")}`);
      await postMessage(restartable.url, alice, conversationId, "before");
      await eventually(() => recorder.received.length === 1, () => `received ${contents(recorder).join(", ")}`);

      await restartable.stop();
      await eventually(() => recorder.statuses.at(-1) === "reconnecting", () => `statuses: ${recorder.statuses.join(", ")}`);
      const again = await startServer({
        dataDir,
        env: { PORT: String(restartable.port), SECRET_KEY: restartable.env.SECRET_KEY!, WS_ALLOWED_ORIGINS: JSDOM_ORIGIN },
      });
      try {
        expect((await postMessage(again.url, alice, conversationId, "after")).status).toBe(201);
        await eventually(() => recorder.statuses.at(-1) === "online", () => `statuses: ${recorder.statuses.join(", ")}`);
        await eventually(() => recorder.received.length === 2, () => `received ${contents(recorder).join(", ")}`);
        expect(contents(recorder)).toEqual(["before", "after"]);
      } finally {
        await again.stop();
      }
    } finally {
      await restartable.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("stops showing online when the server stops answering, and comes back once it answers again", async () => {
    const frozen = await startServer({ env: { WS_ALLOWED_ORIGINS: JSDOM_ORIGIN } });
    onTestFinished(() => frozen.stop());
    const user = await createUser(frozen.url);
    const live = connect(user, {}, frozen.url, { quietMs: 300, pongTimeoutMs: 300 });
    await eventually(() => live.statuses.at(-1) === "online", () => `statuses: ${live.statuses.join(", ")}`);
    // A frozen host: the TCP connection stays up, nothing answers on it.
    process.kill(frozen.pid, "SIGSTOP");
    try {
      await eventually(() => live.statuses.at(-1) === "reconnecting", () => `statuses: ${live.statuses.join(", ")}`);
    } finally {
      process.kill(frozen.pid, "SIGCONT");
    }
    await eventually(() => live.statuses.at(-1) === "online", () => `statuses: ${live.statuses.join(", ")}`);
  });

  it("asks to renew the session when the server ends it with 4001, and stops when it cannot", async () => {
    const user = await createUser(server.url);
    const endings: number[] = [];
    const statuses: ConnectionStatus[] = [];
    const sockets = countOpenedSockets();
    const connection = new LiveConnection({
      url: `${server.url.replace(/^http/, "ws")}/ws?token=${user.token}`,
      cursors: () => ({}),
      onMessage: () => undefined,
      onMessageUpdated: () => undefined,
      onStatus: (status) => statuses.push(status),
      onSessionEnded: async () => {
        endings.push(Date.now());
        return false;
      },
      initialDelayMs: 50,
      maxDelayMs: 200,
    });
    connections.push(connection);
    connection.start();
    await eventually(() => statuses.includes("online"), () => `statuses: ${statuses.join(", ")}`);
    await api(server.url, "POST", "/auth/logout", { token: user.token });
    await eventually(() => endings.length === 1, () => "onSessionEnded was not called");
    // Retries would start within 50–200 ms; none may come.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(endings).toHaveLength(1);
    expect(sockets.opened).toBe(1);
  });

  it("reconnects at once, without waiting out the back-off, when the session was renewed", async () => {
    const user = await createUser(server.url);
    const statuses: ConnectionStatus[] = [];
    let renewals = 0;
    const connection = new LiveConnection({
      url: `${server.url.replace(/^http/, "ws")}/ws?token=${user.token}`,
      cursors: () => ({}),
      onMessage: () => undefined,
      onMessageUpdated: () => undefined,
      onStatus: (status) => statuses.push(status),
      onSessionEnded: async () => {
        renewals++;
        return true;
      },
      // A retry after a lost connection would wait at least 30 s.
      initialDelayMs: 60_000,
      maxDelayMs: 60_000,
    });
    connections.push(connection);
    const sockets = countOpenedSockets();
    connection.start();
    await eventually(() => statuses.includes("online"), () => `statuses: ${statuses.join(", ")}`);
    await api(server.url, "POST", "/auth/logout", { token: user.token });
    await eventually(() => renewals === 1 && sockets.opened === 2, () => `renewals: ${renewals}, sockets opened: ${sockets.opened}`);
  });
});
