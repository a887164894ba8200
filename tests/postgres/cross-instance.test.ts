import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { MessageDto } from "@/lib/chat/present";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// Two instances of the real server on one PostgreSQL database, as behind a load balancer.
let a: TestServer;
let b: TestServer;
const sockets: TestSocket[] = [];

function startInstance(): Promise<TestServer> {
  return startServer({ env: { DATABASE_URL: a.databaseUrl!, SECRET_KEY: a.env.SECRET_KEY! } });
}

beforeAll(async () => {
  a = await startServer();
  b = await startInstance();
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await Promise.all([a.stop(), b.stop()]);
});

async function connect(server: TestServer, user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.open(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

/** Every frame the server sent before answering a ping has arrived: nothing more is on its way. */
async function settled(socket: TestSocket): Promise<MessageDto[]> {
  await socket.request({ type: "ping" }, ["pong"]);
  return socket.messages();
}

describe("several instances on one PostgreSQL", () => {
  it("delivers a message posted through one instance to a member connected to another", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    const bobOnB = await connect(b, bob);
    const posted = await postMessage(a.url, alice, conversationId, "from instance A");
    expect(posted.status).toBe(201);
    expect((await bobOnB.waitForMessages(1))[0]).toEqual(posted.body);
  });

  it("delivers concurrent messages from both instances to every device on each, once and in seq order", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(b.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    const devices = await Promise.all([connect(a, alice), connect(b, alice), connect(a, bob), connect(b, bob)]);
    const count = 40;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        i % 2 === 0 ? postMessage(a.url, alice, conversationId, `a ${i}`) : postMessage(b.url, bob, conversationId, `b ${i}`),
      ),
    );
    for (const device of devices) {
      await device.waitForMessages(count);
      const received = await settled(device);
      expect(received.map((message) => message.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    }
  });

  it("delivers edits and reactions made through both instances to every device on each, once and in seq order", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(b.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    const original = (await postMessage(a.url, alice, conversationId, "original")).body;
    const devices = await Promise.all([connect(a, alice), connect(b, alice), connect(a, bob), connect(b, bob)]);
    const count = 30;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        i % 2 === 0
          ? api(a.url, "PATCH", `/messages/${original.id}`, { token: alice.token, json: { content: `edit ${i}` } })
          : api(b.url, "PUT", `/messages/${original.id}/reactions/${encodeURIComponent(["👍", "🎉", "🔥"][i % 3]!)}`, { token: bob.token }),
      ),
    );
    // Bob's reactions are three emoji added once each; the rest of his requests change nothing.
    const events = count / 2 + 3;
    const stored = (await api<{ messages: MessageDto[] }>(a.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token })).body.messages[0];
    for (const device of devices) {
      await device.waitFor((frame) => frame.type === "message_updated" && frame.seq === events + 1);
      await settled(device);
      const updates = device.frames.filter((frame) => frame.type === "message_updated");
      expect(updates.map((frame) => frame.seq)).toEqual(Array.from({ length: events }, (_, i) => i + 2));
      expect(updates.at(-1)!.message).toEqual(stored);
    }
  });

  it("carries a message larger than one NOTIFY payload to the other instance intact", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    const bobOnB = await connect(b, bob);
    // 4000 characters of three bytes each: 12 000 bytes, past PostgreSQL's 8000-byte limit.
    const content = "語".repeat(4000);
    const posted = await postMessage(a.url, alice, conversationId, content);
    expect(posted.status).toBe(201);
    const [received] = await bobOnB.waitForMessages(1);
    expect(received).toEqual(posted.body);
    expect(received!.content).toBe(content);
  });

  it("delivers a retried message_id once, whichever instance the retry reaches", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    const bobOnB = await connect(b, bob);
    const messageId = randomUUID();
    const answers = await Promise.all([
      postMessage(a.url, alice, conversationId, "only once", messageId),
      postMessage(b.url, alice, conversationId, "only once", messageId),
      postMessage(a.url, alice, conversationId, "only once", messageId),
    ]);
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    await bobOnB.waitForMessages(1);
    await postMessage(a.url, alice, conversationId, "next");
    await bobOnB.waitForMessages(2);
    expect((await settled(bobOnB)).map((message) => [message.seq, message.content])).toEqual([
      [1, "only once"],
      [2, "next"],
    ]);
  });

  it("carries read markers and typing to members connected to the other instance", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    await postMessage(a.url, alice, conversationId, "read me");
    const [aliceOnA, bobOnB] = await Promise.all([connect(a, alice), connect(b, bob)]);
    aliceOnA.send({ type: "typing", conversation_id: conversationId });
    expect(await bobOnB.waitFor((frame) => frame.type === "typing")).toEqual({ type: "typing", conversation_id: conversationId, user_id: alice.id });
    bobOnB.send({ type: "read", conversation_id: conversationId, seq: 1 });
    expect(await aliceOnA.waitFor((frame) => frame.type === "read")).toEqual({ type: "read", conversation_id: conversationId, user_id: bob.id, seq: 1 });
  });

  it("shows someone typing on devices on both instances once per interval", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    const [aliceOnA, aliceOnB, bobOnA, bobOnB] = await Promise.all([connect(a, alice), connect(b, alice), connect(a, bob), connect(b, bob)]);
    // A connection handles its frames in order, and PostgreSQL delivers notices in commit order:
    // once both messages have arrived, so has each device's typing.
    for (const device of [aliceOnA, aliceOnB]) {
      device.send({ type: "typing", conversation_id: conversationId });
      device.send({ type: "message", message_id: randomUUID(), conversation_id: conversationId, content: "sent" });
    }
    for (const socket of [bobOnA, bobOnB]) {
      await socket.waitForMessages(2, conversationId);
      expect(socket.frames.filter((frame) => frame.type === "typing")).toEqual([{ type: "typing", conversation_id: conversationId, user_id: alice.id }]);
    }
  });

  it("keeps someone online while a connection of theirs is open on either instance", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    await createConversation(a.url, alice, [bob]);
    const aliceOnA = await connect(a, alice);
    const bobOnA = await connect(a, bob);
    await aliceOnA.waitFor((frame) => frame.type === "presence" && frame.user_id === bob.id);
    const bobOnB = await connect(b, bob);
    await bobOnA.close();
    await bobOnB.close();
    await aliceOnA.waitFor((frame) => frame.type === "presence" && frame.user_id === bob.id && frame.online === false);
    const changes = aliceOnA.frames.filter((frame) => frame.type === "presence" && frame.user_id === bob.id).map((frame) => frame.online);
    expect(changes).toEqual([true, false]);
  });

  it("lets a member of a restarted instance reconnect and catch up on what was sent meanwhile", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, alice, [bob]);
    const before = await connect(b, bob);
    await postMessage(a.url, alice, conversationId, "before the restart");
    const seen = await before.waitForMessages(1);

    const closing = before.waitForClose();
    await b.stop();
    expect((await closing).code).toBe(1001);
    for (const content of ["while down 1", "while down 2", "while down 3"]) {
      expect((await postMessage(a.url, alice, conversationId, content)).status).toBe(201);
    }

    b = await startInstance();
    const after = await connect(b, bob);
    const synced = await after.request({ type: "sync", cursors: { [conversationId]: seen[0]!.seq } }, ["synced"]);
    expect(after.messages().map((message) => message.content)).toEqual(["while down 1", "while down 2", "while down 3"]);
    expect(synced.cursors).toEqual({ [conversationId]: 4 });

    const live = await postMessage(a.url, alice, conversationId, "after the restart");
    expect((await after.waitForMessages(4))[3]).toEqual(live.body);
  });
});
