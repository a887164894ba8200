import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, type TestUser } from "../support/api";
import { findActionId, postAction } from "../support/server-actions";
import { startServer, type TestServer } from "../support/server";
import { TestSocket, type Frame } from "../support/ws";

/**
 * Hundreds of generated bad inputs, the same on every run (seeded), thrown at every entrance:
 * no answer may be a 5xx, no WebSocket frame may go unanswered, and nothing refused may leave
 * a row behind.
 */
const SEED = 0x5eed;
const HTTP_CASES = 400;
const FRAME_CASES = 300;
const ACTION_CASES = 200;

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff lone",
  "x".repeat(5000),
  "é".repeat(4001),
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "%00",
  "%zz",
  "../../etc/passwd",
  "\u202eevil",
  "👍🏽".repeat(10),
  "null",
  "$1",
  "\\",
  "\n\r\t",
];
const NASTY_NUMBERS = [-1, 0, 2 ** 31, 2 ** 31 - 1, 2 ** 53, -(2 ** 63), 1e308, 0.5, -0];
const NASTY_VALUES: readonly unknown[] = [...NASTY_STRINGS, ...NASTY_NUMBERS, null, true, [], {}, ["a"], { a: 1 }, [[["deep"]]]];

function nastyValue(): unknown {
  return pick(NASTY_VALUES);
}

/** A valid body with one or more fields replaced, dropped or added. */
function mutate(valid: Record<string, unknown>): unknown {
  if (random() < 0.1) return pick([null, [], "text", 42, [valid]]);
  const body: Record<string, unknown> = { ...valid };
  const keys = Object.keys(body);
  const changes = 1 + Math.floor(random() * keys.length);
  for (let i = 0; i < changes; i++) {
    const key = pick(keys);
    if (random() < 0.15) delete body[key];
    else body[key] = nastyValue();
  }
  if (random() < 0.1) body[pick(NASTY_STRINGS) || "extra"] = nastyValue();
  return body;
}

function encodeSegment(value: unknown): string {
  const text = String(value);
  if (random() < 0.3) return text.replace(/[%/?#]/g, "") || "x";
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate has no UTF-8 form; send the bytes a careless encoder would.
    return "%ED%A0%80";
  }
}

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  server = await startServer();
  [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
  conversationId = await createConversation(server.url, alice, [bob]);
});
afterAll(() => server.stop());

interface HttpCase {
  method: string;
  path: string;
  body?: string;
  token?: string;
}

function httpCase(): HttpCase {
  const kind = pick(["signup", "login", "refresh", "logout", "password", "profile", "conversation", "message", "history", "path"]);
  const json = (valid: Record<string, unknown>) => JSON.stringify(mutate(valid));
  switch (kind) {
    case "signup":
      return { method: "POST", path: "/auth/signup", body: json({ username: `u${Math.floor(random() * 1e9)}`, password: "long enough password", full_name: "Name" }) };
    case "login":
      return { method: "POST", path: "/auth/login", body: json({ username: alice.username, password: "not the password" }) };
    case "refresh":
      return { method: "POST", path: "/auth/refresh", body: json({ refresh_token: "not.a.token" }) };
    case "logout":
      // Bob's session is the only one a well-formed case may end; the others use Alice's.
      return { method: "POST", path: "/auth/logout", token: bob.token, body: json({ refresh_token: "x" }) };
    case "password":
      return { method: "POST", path: "/auth/password", token: alice.token, body: json({ current_password: "wrong", new_password: "long enough password" }) };
    case "profile":
      return { method: "PATCH", path: "/auth/me", token: alice.token, body: JSON.stringify({ full_name: nastyValue(), ...(random() < 0.3 ? { x: 1 } : {}) }) };
    case "conversation":
      return { method: "POST", path: "/conversations", token: alice.token, body: json({ member_ids: [bob.id], title: "t" }) };
    case "message":
      return { method: "POST", path: "/messages", token: alice.token, body: json({ message_id: randomUUID(), conversation_id: conversationId, content: "hi" }) };
    case "history": {
      const query = ["after", "before", "limit"].filter(() => random() < 0.6).map((name) => `${name}=${encodeSegment(pick([...NASTY_NUMBERS, ...NASTY_STRINGS]))}`);
      return { method: "GET", path: `/conversations/${conversationId}/messages?${query.join("&")}`, token: alice.token };
    }
    default: {
      const method = pick(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]);
      const segment = random() < 0.5 ? encodeSegment(pick(NASTY_STRINGS)) : pick(["%E0%A4%A", "%zz", "%", "%C0%80", "%00", "%ED%A0%80"]);
      const template = pick(["/conversations/{}/messages", "/api/auth/{}", "/{}", "/auth/{}", "/messages/{}"]);
      return { method, path: template.replace("{}", segment), token: random() < 0.5 ? alice.token : undefined };
    }
  }
}

function frameCase(): unknown {
  const kind = pick(["message", "join", "sync", "raw", "unknown"]);
  switch (kind) {
    case "message":
      return { type: "message", ...(mutate({ message_id: randomUUID(), conversation_id: conversationId, content: "hi" }) as object) };
    case "join":
      return { type: "join", conversation_id: nastyValue() };
    case "sync":
      return pick([
        { type: "sync", cursors: { [String(pick(NASTY_STRINGS)) || "k"]: nastyValue() } },
        { type: "sync", conversation_id: conversationId, after_seq: nastyValue() },
        { type: "sync", conversation_id: nastyValue() },
      ]);
    case "raw":
      return pick(["", "{", "null", "[]", "42", '"text"', '{"type":', "\u0000", '{"type":"message"}', "x".repeat(1000)]);
    default:
      return { type: pick(NASTY_STRINGS), conversation_id: conversationId };
  }
}

/** Whether a received frame is the answer to a sent one: its error, or the reply its type calls for. */
function answers(sent: unknown, received: Frame): boolean {
  if (received.type === "error") return true;
  if (typeof sent !== "object" || sent === null) return false;
  const { type, message_id } = sent as { type?: unknown; message_id?: unknown };
  if (type === "message") {
    return received.type === "message" && typeof message_id === "string" && (received.message as { message_id: string }).message_id === message_id.trim();
  }
  if (type === "join") return received.type === "joined";
  if (type === "sync") return received.type === "synced";
  return false;
}

/** React's reply tags and JSON fragments, glued at random into server-action bodies. */
const ACTION_PIECES = ["[", "]", "{", "}", ",", ":", '"$', '"$$x"', '"$@1"', '"$K1"', '"$Q1"', '"$T"', '"$n"', '"$nabc"', '"$D"', '"$undefined"', '"$1"', '"$F1"', '"$h"', '"$S"', '"$B1"', "null", "1", '"a"', '"\\u0000"', '"\\ud800"', '{"username":', '{"password":"long enough password"}'];
const ACTION_CONTENT_TYPES = ["text/plain;charset=UTF-8", "application/json", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"];

function actionBody(): string {
  let body = "";
  for (let pieces = 1 + Math.floor(random() * 8); pieces > 0; pieces--) body += pick(ACTION_PIECES);
  return random() < 0.3 ? `[${body}]` : body;
}

async function messageCount(): Promise<number> {
  const response = await api<{ messages: unknown[] }>(server.url, "GET", `/conversations/${conversationId}/messages?limit=200`, { token: alice.token });
  return response.body.messages.length;
}

async function userCount(): Promise<number> {
  return (await api<{ users: unknown[] }>(server.url, "GET", "/users", { token: alice.token })).body.users.length;
}

describe("a corpus of bad input", { timeout: 180_000 }, () => {
  it("never gets a 5xx over HTTP, and only accepted requests leave a row", async () => {
    const [messagesBefore, usersBefore] = await Promise.all([messageCount(), userCount()]);
    const messagesCreated = new Set<string>();
    const usersCreated = new Set<string>();
    const failures: string[] = [];
    for (let i = 0; i < HTTP_CASES; i++) {
      const request = httpCase();
      const response = await fetch(`${server.url}${request.path}`, {
        method: request.method,
        headers: { "content-type": "application/json", ...(request.token ? { authorization: `Bearer ${request.token}` } : {}) },
        body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body,
      });
      const text = await response.text();
      if (response.status >= 500) failures.push(`#${i} ${request.method} ${request.path} ${request.body ?? ""} → ${response.status}`);
      if (response.status === 201) {
        const { id } = JSON.parse(text) as { id: string };
        if (request.path === "/messages") messagesCreated.add(id);
        if (request.path === "/auth/signup") usersCreated.add(id);
      }
    }
    expect(failures).toEqual([]);
    expect(await messageCount()).toBe(messagesBefore + messagesCreated.size);
    expect(await userCount()).toBe(usersBefore + usersCreated.size);
  });

  it("answers every bad WebSocket frame, and only accepted messages leave a row", async () => {
    const before = await messageCount();
    const socket = await TestSocket.open(server.url, { token: alice.token });
    const stored = new Set<string>();
    const unanswered: string[] = [];
    for (let i = 0; i < FRAME_CASES; i++) {
      const frame = frameCase();
      const text = typeof frame === "string" ? frame : JSON.stringify(frame);
      const start = socket.frames.length;
      socket.send(text);
      const answer = await socket
        .waitFor((candidate) => socket.frames.indexOf(candidate) >= start && answers(frame, candidate), 10_000)
        .catch(() => null);
      if (!answer) unanswered.push(`#${i} ${text.slice(0, 200)}`);
      if (answer?.type === "message") stored.add((answer.message as { id: string }).id);
      // Whatever else the frame caused (a sync's replay) arrives before the pong.
      await socket.request({ type: "ping" }, ["pong"]);
    }
    expect(unanswered).toEqual([]);
    expect(socket.closed).toBeNull();
    await socket.close();
    expect(await messageCount()).toBe(before + stored.size);
  });

  it("never gets a 5xx from a server-action body, and a refused sign-up leaves no row", async () => {
    const signUpAction = await findActionId(server.url, "/", "signUpAction");
    const before = await userCount();
    const failures: string[] = [];
    let created = 0;
    for (let i = 0; i < ACTION_CASES; i++) {
      const body = actionBody();
      const contentType = pick(ACTION_CONTENT_TYPES);
      const response = await postAction(server.url, pick(["/", "/chat"]), signUpAction, body, { "content-type": contentType });
      if (response.status >= 500) failures.push(`#${i} ${contentType} ${body} → ${response.status}`);
      if (response.text.includes('"ok":true')) created++;
    }
    expect(failures).toEqual([]);
    expect(await userCount()).toBe(before + created);
  });
});
