import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { MessageDto } from "@/lib/chat/present";

import { api, createConversation, createUser, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let eve: TestUser;
let conversationId: string;

beforeAll(async () => {
  server = await startServer();
  [alice, bob, eve] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob"), createUser(server.url, "eve")]);
  conversationId = await createConversation(server.url, alice, [bob]);
});
afterAll(() => server.stop());

async function send(user: TestUser, content: string, extra: Record<string, unknown> = {}, conversation = conversationId) {
  return api<MessageDto>(server.url, "POST", "/messages", {
    token: user.token,
    json: { message_id: randomUUID(), conversation_id: conversation, content, ...extra },
  });
}

async function sent(user: TestUser, content: string): Promise<MessageDto> {
  const response = await send(user, content);
  expect(response.status).toBe(201);
  return response.body;
}

function edit(user: TestUser, id: string, content: unknown) {
  return api<MessageDto>(server.url, "PATCH", `/messages/${id}`, { token: user.token, json: { content } });
}

function remove(user: TestUser, id: string) {
  return api<MessageDto>(server.url, "DELETE", `/messages/${id}`, { token: user.token });
}

function react(user: TestUser, id: string, emoji: string, on = true) {
  return api<MessageDto>(server.url, on ? "PUT" : "DELETE", `/messages/${id}/reactions/${encodeURIComponent(emoji)}`, { token: user.token });
}

async function history(user: TestUser, conversation = conversationId) {
  return (await api<{ messages: MessageDto[] }>(server.url, "GET", `/conversations/${conversation}/messages`, { token: user.token })).body.messages;
}

async function lastSeq(user: TestUser, conversation = conversationId): Promise<number> {
  const list = await api<{ conversations: { id: string; last_seq: number }[] }>(server.url, "GET", "/conversations", { token: user.token });
  return list.body.conversations.find((entry) => entry.id === conversation)!.last_seq;
}

describe("a new message", () => {
  it("carries the state fields of a message nobody has acted on", async () => {
    const message = await sent(alice, "fresh");
    expect(message).toMatchObject({ edited_at: null, deleted: false, reactions: [], reply_to: null, mentions: [] });
  });

  it("mentions the members it names by @username, not strangers", async () => {
    const message = await sent(alice, `hi @${bob.username.toUpperCase()} and @${eve.username}, mail me at x@${bob.username}.org`);
    expect(message.mentions).toEqual([bob.id]);
  });
});

describe("PATCH /messages/{id}", () => {
  it("lets the sender edit, marking the time and keeping id and seq", async () => {
    const original = await sent(alice, "first draft");
    const response = await edit(alice, original.id, "  second draft ");
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: original.id, seq: original.seq, content: "second draft", deleted: false });
    expect(response.body.edited_at).toMatch(/Z$/);
    expect((await history(bob)).find((message) => message.id === original.id)!.content).toBe("second draft");
  });

  it("refuses anyone but the sender with 403", async () => {
    const original = await sent(alice, "mine");
    expect((await edit(bob, original.id, "yours")).status).toBe(403);
  });

  it("answers 404 to a non-member and for an unknown message", async () => {
    const original = await sent(alice, "private");
    expect((await edit(eve, original.id, "peek")).status).toBe(404);
    expect((await edit(alice, randomUUID(), "ghost")).status).toBe(404);
  });

  it("answers 409 for a deleted message", async () => {
    const original = await sent(alice, "gone soon");
    await remove(alice, original.id);
    expect((await edit(alice, original.id, "back")).status).toBe(409);
  });

  it("refuses empty or oversize content with 422 and changes nothing", async () => {
    const original = await sent(alice, "stays");
    expect((await edit(alice, original.id, "   ")).status).toBe(422);
    expect((await edit(alice, original.id, "x".repeat(4001))).status).toBe(422);
    expect((await edit(alice, original.id, 42)).status).toBe(422);
    expect((await edit(alice, original.id, "nul \u0000 inside")).status).toBe(422);
    expect((await history(alice)).find((message) => message.id === original.id)!.content).toBe("stays");
  });

  it("reads the mentions again from the new content", async () => {
    const original = await sent(alice, "nobody yet");
    expect((await edit(alice, original.id, `now @${bob.username}`)).body.mentions).toEqual([bob.id]);
  });

  it("takes the conversation's next seq for the edit's event, and none for an edit that changes nothing", async () => {
    const original = await sent(alice, "count me");
    const before = await lastSeq(alice);
    await edit(alice, original.id, "counted");
    expect(await lastSeq(alice)).toBe(before + 1);
    await edit(alice, original.id, "counted");
    expect(await lastSeq(alice)).toBe(before + 1);
  });
});

describe("a message id with a NUL character", () => {
  it("is refused with 422 by every message route, on both databases", async () => {
    expect((await edit(alice, "a%00b", "x")).status).toBe(422);
    expect((await remove(alice, "a%00b")).status).toBe(422);
    expect((await react(alice, "a%00b", "👍")).status).toBe(422);
    expect((await api(server.url, "GET", "/search?q=x&before=a%00b", { token: alice.token })).status).toBe(422);
    expect((await send(alice, "x", { reply_to: "a\u0000b" })).status).toBe(422);
  });
});

describe("a retried message_id", () => {
  it("answers the message as it is now once it was edited or deleted, not a conflict", async () => {
    const messageId = randomUUID();
    const first = await send(alice, "retry me", { message_id: messageId });
    await edit(alice, first.body.id, "edited since");
    const retried = await send(alice, "retry me", { message_id: messageId });
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: first.body.id, content: "edited since" });
    await remove(alice, first.body.id);
    expect((await send(alice, "retry me", { message_id: messageId })).body).toMatchObject({ id: first.body.id, deleted: true });
  });
});

describe("DELETE /messages/{id}", () => {
  it("leaves a tombstone that keeps id and seq and nothing it said", async () => {
    const original = await sent(alice, "secret");
    await react(bob, original.id, "👍");
    const response = await remove(alice, original.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: original.id, seq: original.seq, deleted: true, content: "", reactions: [], mentions: [] });
    const stored = (await history(bob)).find((message) => message.id === original.id)!;
    expect(stored).toMatchObject({ deleted: true, content: "" });
  });

  it("refuses another member of a 1-on-1 with 403", async () => {
    const original = await sent(alice, "not yours to delete");
    expect((await remove(bob, original.id)).status).toBe(403);
  });

  it("lets a group's creator delete anyone's message, and no other member", async () => {
    const carol = await createUser(server.url, "carol");
    const group = await createConversation(server.url, alice, [bob, carol], "team");
    const bobs = await send(bob, "off topic", {}, group);
    const carols = await send(carol, "also off topic", {}, group);
    expect((await remove(carol, bobs.body.id)).status).toBe(403);
    expect((await remove(alice, bobs.body.id)).status).toBe(200);
    expect((await remove(alice, carols.body.id)).body.deleted).toBe(true);
  });

  it("answers 404 to a non-member", async () => {
    const original = await sent(alice, "hidden");
    expect((await remove(eve, original.id)).status).toBe(404);
  });

  it("is idempotent: deleting again answers the tombstone and stores no event", async () => {
    const original = await sent(alice, "twice");
    await remove(alice, original.id);
    const before = await lastSeq(alice);
    const again = await remove(alice, original.id);
    expect(again.status).toBe(200);
    expect(again.body.deleted).toBe(true);
    expect(await lastSeq(alice)).toBe(before);
  });
});

describe("reactions", () => {
  it("adds the caller's reaction with a count and who reacted", async () => {
    const original = await sent(alice, "react to me");
    await react(alice, original.id, "🎉");
    const response = await react(bob, original.id, "🎉");
    expect(response.status).toBe(200);
    expect(response.body.reactions).toEqual([{ emoji: "🎉", count: 2, user_ids: [alice.id, bob.id] }]);
  });

  it("removes only the caller's reaction", async () => {
    const original = await sent(alice, "undo");
    await react(alice, original.id, "👍");
    await react(bob, original.id, "👍");
    const response = await react(bob, original.id, "👍", false);
    expect(response.body.reactions).toEqual([{ emoji: "👍", count: 1, user_ids: [alice.id] }]);
    expect((await react(alice, original.id, "👍", false)).body.reactions).toEqual([]);
  });

  it("accepts flags, keycaps, skin tones and joined sequences as one emoji", async () => {
    const original = await sent(alice, "emoji zoo");
    for (const emoji of ["🇫🇷", "1️⃣", "👍🏽", "👩‍💻", "❤️"]) expect((await react(bob, original.id, emoji)).status).toBe(200);
    expect((await history(alice)).find((message) => message.id === original.id)!.reactions.map((r) => r.emoji)).toEqual(["🇫🇷", "1️⃣", "👍🏽", "👩‍💻", "❤️"]);
  });

  it("refuses what is not exactly one emoji with 422", async () => {
    const original = await sent(alice, "not emoji");
    for (const emoji of ["a", "👍👍", "<b>", "👍 ", "%F0%9F"]) expect((await react(bob, original.id, emoji)).status).toBe(422);
  });

  it("is idempotent: adding twice or removing what is absent stores no event", async () => {
    const original = await sent(alice, "steady");
    await react(bob, original.id, "😀");
    const before = await lastSeq(alice);
    expect((await react(bob, original.id, "😀")).body.reactions).toEqual([{ emoji: "😀", count: 1, user_ids: [bob.id] }]);
    expect((await react(bob, original.id, "🙃", false)).status).toBe(200);
    expect(await lastSeq(alice)).toBe(before);
  });

  it("answers 404 to a non-member and 409 on a deleted message", async () => {
    const original = await sent(alice, "closed");
    expect((await react(eve, original.id, "👍")).status).toBe(404);
    await remove(alice, original.id);
    expect((await react(bob, original.id, "👍")).status).toBe(409);
  });
});

describe("replies", () => {
  it("stores reply_to when it names a message of the same conversation", async () => {
    const original = await sent(alice, "question?");
    const reply = await send(bob, "answer", { reply_to: original.id });
    expect(reply.status).toBe(201);
    expect(reply.body.reply_to).toBe(original.id);
  });

  it("refuses with 422 a reply to a message of another conversation or to no message", async () => {
    const other = await createConversation(server.url, alice, [eve]);
    const elsewhere = await send(alice, "elsewhere", {}, other);
    expect((await send(bob, "cross", { reply_to: elsewhere.body.id })).status).toBe(422);
    expect((await send(bob, "nothing", { reply_to: randomUUID() })).status).toBe(422);
  });
});

describe("the conversation list", () => {
  it("previews the newest message after later edits and reactions", async () => {
    const [x, y] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const id = await createConversation(server.url, x, [y]);
    const newest = await send(x, "newest", {}, id);
    await react(y, newest.body.id, "👍");
    const list = await api<{ conversations: { id: string; last_message: MessageDto | null }[] }>(server.url, "GET", "/conversations", { token: x.token });
    expect(list.body.conversations.find((entry) => entry.id === id)!.last_message).toMatchObject({ id: newest.body.id, reactions: [{ emoji: "👍", count: 1 }] });
  });
});
