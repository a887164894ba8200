import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { MessageDto } from "@/lib/chat/present";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let eve: TestUser;
let shared: string;
let aliceAndEve: string;
/** A word no other test file writes, so results are only this file's. */
const word = `zebra${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  server = await startServer();
  [alice, bob, eve] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob"), createUser(server.url, "eve")]);
  shared = await createConversation(server.url, alice, [bob]);
  aliceAndEve = await createConversation(server.url, alice, [eve]);
});
afterAll(() => server.stop());

function search(user: TestUser, query: string) {
  return api<{ messages: MessageDto[] }>(server.url, "GET", `/search?${query}`, { token: user.token });
}

async function say(user: TestUser, conversation: string, content: string): Promise<MessageDto> {
  return (await postMessage(server.url, user, conversation, content)).body as unknown as MessageDto;
}

describe("GET /search", () => {
  it("finds messages containing every word, newest first", async () => {
    const older = await say(alice, shared, `the ${word} crossed the road`);
    const newer = await say(bob, shared, `a ${word} ROAD trip`);
    await say(bob, shared, `a ${word} without the other word`);
    const response = await search(alice, `q=${word}%20road`);
    expect(response.status).toBe(200);
    expect(response.body.messages.map((message) => message.id)).toEqual([newer.id, older.id]);
  });

  it("matches the start of a word", async () => {
    const message = await say(alice, shared, `prefix${word}suffix`);
    expect((await search(alice, `q=prefix${word}`)).body.messages.map((found) => found.id)).toEqual([message.id]);
  });

  it.each([
    ["ΣΟΦΊΑ", "σοφία"],
    ["МОСКВА", "Москва"],
    ["ÄRGER", "ärger"],
    ["pi is 3.14", "14"],
    ["write to someone@example.org", "example"],
    ["see https://example.net/handbook", "handbook"],
    ["L'ÉCOLE est fermée", "ecole fermee"],
    ["a quiet cafe", "café"],
    ["Crème brûlée, naïve Zoë", "creme brulee naive zoe"],
    ["l'école", "e\u0301cole"],
    ["İstanbul", "İstanbul"],
    ["ΣΊΣΥΦΟΣ", "σίσυφοσ"],
    ["ᲒᲐᲛᲐᲠᲯᲝᲑᲐ", "ᲒᲐᲛᲐᲠᲯᲝᲑᲐ"],
    ["हिन्दी भाषा", "भाषा"],
    ["prix\u00a0fixe", "fixe"],
    ["zero\u200bwidth", "width"],
    ["party🎉time", "time"],
    ["star★shine", "shine"],
    ["tilde~wave", "wave"],
  ])("finds %j by %j, folding case and diacritics in every script and splitting words at anything but letters and digits", async (content, query) => {
    const conversation = await createConversation(server.url, alice, [bob], "search by script", true);
    const message = await say(alice, conversation, content);
    const found = await search(alice, `q=${encodeURIComponent(query)}&conversation_id=${conversation}`);
    expect(found.body.messages.map((each) => each.id)).toEqual([message.id]);
  });

  it("only searches the caller's conversations", async () => {
    const secret = `${word}secret`;
    await say(alice, aliceAndEve, secret);
    expect((await search(bob, `q=${secret}`)).body.messages).toEqual([]);
    expect((await search(eve, `q=${secret}`)).body.messages).toHaveLength(1);
  });

  it("narrows to one conversation, refusing one the caller is not in", async () => {
    const term = `${word}narrow`;
    await say(alice, shared, term);
    const mine = await say(alice, aliceAndEve, term);
    expect((await search(alice, `q=${term}&conversation_id=${aliceAndEve}`)).body.messages.map((found) => found.id)).toEqual([mine.id]);
    expect((await search(bob, `q=${term}&conversation_id=${aliceAndEve}`)).status).toBe(403);
  });

  it("follows edits and never finds deleted messages", async () => {
    const term = `${word}edited`;
    const message = await say(alice, shared, "before the edit");
    await api(server.url, "PATCH", `/messages/${message.id}`, { token: alice.token, json: { content: `after ${term}` } });
    expect((await search(alice, `q=${term}`)).body.messages.map((found) => found.content)).toEqual([`after ${term}`]);
    expect((await search(alice, "q=before%20the%20edit")).body.messages.map((found) => found.id)).not.toContain(message.id);
    await api(server.url, "DELETE", `/messages/${message.id}`, { token: alice.token });
    expect((await search(alice, `q=${term}`)).body.messages).toEqual([]);
  });

  it("pages with limit and before", async () => {
    const term = `${word}page`;
    const sent: MessageDto[] = [];
    for (let i = 0; i < 5; i++) sent.push(await say(alice, shared, `${term} ${i}`));
    const first = await search(alice, `q=${term}&limit=2`);
    expect(first.body.messages.map((found) => found.id)).toEqual([sent[4]!.id, sent[3]!.id]);
    const second = await search(alice, `q=${term}&limit=2&before=${sent[3]!.id}`);
    expect(second.body.messages.map((found) => found.id)).toEqual([sent[2]!.id, sent[1]!.id]);
  });

  it("treats full-text operators and quotes as plain separators", async () => {
    const term = `${word}ops`;
    await say(alice, shared, `${term} NEAR stuff`);
    for (const query of [`"${term}"`, `${term} OR`, `${term}*`, `-${term}`, `${term}:*`, `${term} & |`]) {
      const response = await search(alice, `q=${encodeURIComponent(query)}`);
      expect(response.status).toBe(200);
    }
  });

  it("refuses a query without a word, an oversize one, or a bad limit with 422", async () => {
    expect((await search(alice, "q=%22%2A%22")).status).toBe(422);
    expect((await search(alice, "q=")).status).toBe(422);
    expect((await search(alice, `q=${"a".repeat(201)}`)).status).toBe(422);
    expect((await search(alice, "q=x&limit=0")).status).toBe(422);
  });

  it("requires a token", async () => {
    expect((await api(server.url, "GET", "/search?q=x")).status).toBe(401);
  });
});
