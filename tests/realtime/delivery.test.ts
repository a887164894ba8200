import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { eventually } from "../support/wait";
import { TestSocket } from "../support/ws";

let server: TestServer;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server.stop();
});

async function connect(user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.open(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

describe("delivery", () => {
  it("delivers a message posted over HTTP to both members over WebSocket", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const [aliceSocket, bobSocket] = await Promise.all([connect(alice), connect(bob)]);
    const posted = await postMessage(server.url, alice, conversationId, "over http");
    for (const socket of [aliceSocket, bobSocket]) {
      const [message] = await socket.waitForMessages(1);
      expect(message).toEqual(posted.body);
    }
  });

  it("delivers to every device of every member, the sender's other devices included", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const devices = await Promise.all([connect(alice), connect(alice), connect(bob), connect(bob), connect(bob)]);
    devices[0]!.send({ type: "message", message_id: randomUUID(), conversation_id: conversationId, content: "to all devices" });
    for (const device of devices) {
      expect((await device.waitForMessages(1))[0]!.content).toBe("to all devices");
    }
  });

  it("delivers nothing to people outside the conversation", async () => {
    const [alice, bob, outsider] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const outsiderConversation = await createConversation(server.url, outsider, [bob]);
    const outsiderSocket = await connect(outsider);
    await postMessage(server.url, alice, conversationId, "private");
    const marker = await postMessage(server.url, bob, outsiderConversation, "marker");
    const [first] = await outsiderSocket.waitForMessages(1);
    expect(first!.id).toBe(marker.body.id);
  });

  it("delivers every message of a group of 20 to all members exactly once and in order", async () => {
    const members = await Promise.all(Array.from({ length: 20 }, () => createUser(server.url, "member")));
    const [owner, ...others] = members as [TestUser, ...TestUser[]];
    const conversationId = await createConversation(server.url, owner, others, "Twenty");
    const memberSockets = await Promise.all(members.map(connect));
    const senders = members.slice(0, 5);
    await Promise.all(senders.flatMap((sender) => Array.from({ length: 4 }, (_, i) => postMessage(server.url, sender, conversationId, `${sender.username} #${i}`))));
    for (const socket of memberSockets) {
      const received = await socket.waitForMessages(20, conversationId);
      expect(received.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }
  });

  it("delivers messages of a conversation created after the connection opened", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const bobSocket = await connect(bob);
    const conversationId = await createConversation(server.url, alice, [bob]);
    await postMessage(server.url, alice, conversationId, "a new conversation");
    expect((await bobSocket.waitForMessages(1))[0]).toMatchObject({ conversation_id: conversationId, content: "a new conversation" });
  });

  it("keeps each conversation's messages in sequence order under concurrent senders", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const [aliceSocket, bobSocket, bobPhone] = await Promise.all([connect(alice), connect(bob), connect(bob)]);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        if (i % 2 === 0) return postMessage(server.url, bob, conversationId, `http ${i}`);
        aliceSocket.send({ type: "message", message_id: randomUUID(), conversation_id: conversationId, content: `ws ${i}` });
        return Promise.resolve();
      }),
    );
    for (const socket of [aliceSocket, bobSocket, bobPhone]) {
      const received = await socket.waitForMessages(40, conversationId);
      expect(received.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    }
  });

  it("answers every message of one burst on its own: refused ones neither hold back nor undo the others", async () => {
    const [alice, bob, eve] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const notAlices = await createConversation(server.url, bob, [eve]);
    const [aliceSocket, bobSocket] = await Promise.all([connect(alice), connect(bob)]);
    const first = randomUUID();
    const burst = [
      { type: "message", message_id: first, conversation_id: conversationId, content: "first" },
      { type: "message", message_id: randomUUID(), conversation_id: notAlices, content: "intrude" },
      { type: "message", message_id: first, conversation_id: conversationId, content: "first, rewritten" },
      { type: "message", message_id: first, conversation_id: conversationId, content: "first" },
      { type: "message", message_id: randomUUID(), conversation_id: conversationId, content: "second" },
    ];
    for (const frame of burst) aliceSocket.send(frame);

    const stored = await bobSocket.waitForMessages(2);
    expect(stored.map((message) => [message.content, message.seq])).toEqual([
      ["first", 1],
      ["second", 2],
    ]);
    const errors = () => aliceSocket.frames.filter((frame) => frame.type === "error");
    await eventually(
      () => errors().length >= 2,
      () => `expected 2 error frames, got ${JSON.stringify(errors())}`,
    );
    expect(errors()).toMatchObject([{ conversation_id: notAlices }, { message_id: first, reason: expect.stringMatching(/different message/) }]);
    const history = await api<{ messages: { content: string }[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.messages.map((message) => message.content)).toEqual(["first", "second"]);
  });

  it("stores and broadcasts a message once when its message_id is retried concurrently over WebSocket and HTTP", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const [aliceSocket, bobSocket] = await Promise.all([connect(alice), connect(bob)]);
    const messageId = randomUUID();
    const frame = { type: "message", message_id: messageId, conversation_id: conversationId, content: "retry me" };
    const httpRetries = Array.from({ length: 10 }, () => postMessage(server.url, alice, conversationId, "retry me", messageId));
    for (let i = 0; i < 10; i++) aliceSocket.send(frame);
    const responses = await Promise.all(httpRetries);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);

    const marker = await postMessage(server.url, alice, conversationId, "marker");
    await bobSocket.waitFor((f) => f.type === "message" && (f.message as { id: string }).id === marker.body.id);
    expect(bobSocket.messages().map((m) => m.content)).toEqual(["retry me", "marker"]);
    const history = await api<{ messages: unknown[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.messages).toHaveLength(2);
  });
});
