import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let eve: TestUser;
let conversationId: string;
let socket: TestSocket;

beforeAll(async () => {
  server = await startServer();
  [alice, bob, eve] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob"), createUser(server.url, "eve")]);
  conversationId = await createConversation(server.url, alice, [bob]);
  socket = await TestSocket.open(server.url, { token: alice.token });
});
afterAll(async () => {
  await socket.close();
  await server.stop();
});

const errorOrReply = ["error", "joined", "message", "pong", "synced"];

describe("join", () => {
  it("answers joined for a member", async () => {
    expect(await socket.request({ type: "join", conversation_id: conversationId }, errorOrReply)).toEqual({
      type: "joined",
      conversation_id: conversationId,
    });
  });

  it("answers an error for a conversation the user is not in", async () => {
    const other = await createConversation(server.url, bob, [eve]);
    const reply = await socket.request({ type: "join", conversation_id: other }, errorOrReply);
    expect(reply).toMatchObject({ type: "error", reason: expect.stringMatching(/not a member/) });
  });

  it("answers an error for an unknown conversation", async () => {
    const reply = await socket.request({ type: "join", conversation_id: randomUUID() }, errorOrReply);
    expect(reply).toMatchObject({ type: "error", reason: "Conversation not found" });
  });
});

describe("bad frames", () => {
  it.each([
    ["malformed JSON", "{not json"],
    ["an unknown type", { type: "dance" }],
    ["no type", { conversation_id: "x" }],
    ["a message without content", { type: "message", message_id: "m", conversation_id: "c" }],
    ["a message with content of the wrong type", { type: "message", message_id: "m", conversation_id: "c", content: 5 }],
    ["a JSON array", "[1,2]"],
    ["a JSON string", '"hello"'],
  ])("answers %s with an error frame and stays usable", async (_case, frame) => {
    const reply = await socket.request(frame, errorOrReply);
    expect(reply).toMatchObject({ type: "error", reason: expect.any(String) });
    expect((await socket.request({ type: "ping" }, ["pong"])).type).toBe("pong");
  });

  it("answers a binary frame with an error frame", async () => {
    const start = socket.frames.length;
    socket.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    const reply = await socket.waitFor((frame) => frame.type === "error" && socket.frames.indexOf(frame) >= start);
    expect(reply.reason).toMatch(/Binary/);
  });

  it("answers content over 4000 characters with an error naming the message", async () => {
    const messageId = randomUUID();
    const reply = await socket.request({ type: "message", message_id: messageId, conversation_id: conversationId, content: "x".repeat(4001) }, errorOrReply);
    expect(reply).toMatchObject({ type: "error", reason: expect.stringMatching(/content/) });
  });
});

describe("message", () => {
  it("stores the message and broadcasts it to the sender and the other member", async () => {
    const bobSocket = await TestSocket.open(server.url, { token: bob.token });
    const messageId = randomUUID();
    socket.send({ type: "message", message_id: messageId, conversation_id: conversationId, content: "hi bob" });
    const received = await bobSocket.waitFor((frame) => frame.type === "message");
    const echoed = await socket.waitFor((frame) => frame.type === "message" && (frame.message as { message_id: string }).message_id === messageId);
    expect(received.message).toMatchObject({ message_id: messageId, sender_id: alice.id, conversation_id: conversationId, content: "hi bob", seq: expect.any(Number) });
    expect(echoed.message).toEqual(received.message);
    await bobSocket.close();
  });

  it("sends as the authenticated user whatever sender_id says", async () => {
    const reply = await socket.request(
      { type: "message", message_id: randomUUID(), conversation_id: conversationId, content: "spoof", sender_id: bob.id },
      errorOrReply,
    );
    expect(reply).toMatchObject({ type: "error", reason: "sender_id must be the authenticated user" });
  });

  it("refuses a message to a conversation the user is not in", async () => {
    const other = await createConversation(server.url, bob, [eve]);
    const messageId = randomUUID();
    const reply = await socket.request({ type: "message", message_id: messageId, conversation_id: other, content: "intrude" }, errorOrReply);
    expect(reply).toMatchObject({ type: "error", message_id: messageId, conversation_id: other });
  });

  it("answers a repeated message_id to the sender only, without a second broadcast", async () => {
    const bobSocket = await TestSocket.open(server.url, { token: bob.token });
    const messageId = randomUUID();
    const frame = { type: "message", message_id: messageId, conversation_id: conversationId, content: "only once" };
    socket.send(frame);
    await bobSocket.waitFor((f) => f.type === "message" && (f.message as { message_id: string }).message_id === messageId);
    // The sender's own copy travels on another socket and may land after Bob's.
    await socket.waitFor((f) => f.type === "message" && (f.message as { message_id: string }).message_id === messageId);
    const before = socket.messages().filter((m) => m.message_id === messageId).length;
    const retryReply = await socket.request(frame, ["message", "error"]);
    expect(retryReply.message).toMatchObject({ message_id: messageId });
    expect(socket.messages().filter((m) => m.message_id === messageId)).toHaveLength(before + 1);

    // Delivery is ordered, so once a later message arrives any second copy would have too.
    const marker = await postMessage(server.url, alice, conversationId, "marker");
    await bobSocket.waitFor((f) => f.type === "message" && (f.message as { id: string }).id === marker.body.id);
    expect(bobSocket.messages().filter((m) => m.message_id === messageId)).toHaveLength(1);
    await bobSocket.close();
  });
});
