import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, uniqueName, type TestUser } from "../support/api";
import { rawExchange, rawRequest } from "../support/raw-http";
import { findActionId, postAction } from "../support/server-actions";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

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

const endpoints = ["/auth/signup", "/auth/login", "/auth/refresh", "/conversations", "/messages"];

describe("request bodies", () => {
  it.each(endpoints)("answers malformed JSON on %s with 400", async (path) => {
    const response = await api(server.url, "POST", path, { token: alice.token, body: '{"username": ', headers: { "content-type": "application/json" } });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ detail: "Request body must be valid JSON" });
  });

  it.each(endpoints)("answers an empty body on %s with 400", async (path) => {
    expect((await api(server.url, "POST", path, { token: alice.token })).status).toBe(400);
  });

  it.each(endpoints)("answers a JSON value that is not an object on %s with 422", async (path) => {
    for (const json of [null, [], 42, "text"]) {
      const response = await api(server.url, "POST", path, { token: alice.token, json });
      expect(response.status).toBe(422);
    }
  });

  it.each(endpoints)("answers a body over 64 KiB on %s with 413", async (path) => {
    const response = await api(server.url, "POST", path, { token: alice.token, json: { padding: "x".repeat(70 * 1024) } });
    expect(response.status).toBe(413);
  });

  it("answers a body over 64 KiB sent without a length with 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/auth/signup`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("closes the connection after refusing an oversized body, whose rest it never reads", async () => {
    const response = await api(server.url, "POST", "/messages", { token: alice.token, json: { padding: "x".repeat(70 * 1024) } });
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
  });

  it("answers wrong field types with 422 naming the field", async () => {
    const response = await api(server.url, "POST", "/messages", {
      token: alice.token,
      json: { message_id: 7, conversation_id: conversationId, content: ["hi"] },
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/message_id/);
    expect(response.body.detail).toMatch(/content/);
  });

  it("answers missing fields with 422", async () => {
    const response = await api(server.url, "POST", "/conversations", { token: alice.token, json: { title: "no members" } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/member_ids/);
  });

  it("writes nothing when a sign-up is rejected", async () => {
    const response = await api(server.url, "POST", "/auth/signup", { json: { username: "half_written", password: 12345678 } });
    expect(response.status).toBe(422);
    const users = await api<{ users: { username: string }[] }>(server.url, "GET", "/users", { token: alice.token });
    expect(users.body.users.map((u) => u.username)).not.toContain("half_written");
  });
});

describe("odd requests", () => {
  it("answers an unknown path with 404", async () => {
    expect((await fetch(`${server.url}/no/such/path`)).status).toBe(404);
  });

  it.each([
    ["GET", "/messages", "POST, OPTIONS"],
    ["PUT", "/messages", "POST, OPTIONS"],
    ["DELETE", "/conversations", "GET, POST, HEAD, OPTIONS"],
    ["PATCH", "/search", "GET, HEAD, OPTIONS"],
    ["POST", "/health", "GET, HEAD, OPTIONS"],
  ])("answers %s %s with 405, a JSON detail and the route's own Allow", async (method, path, allow) => {
    const response = await fetch(`${server.url}${path}`, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(((await response.json()) as { detail: string }).detail).toMatch(new RegExp(`Method ${method} is not allowed`));
  });

  it("counts a wrong method on an API route against the rate limit, with its headers", async () => {
    const response = await fetch(`${server.url}/messages`, { method: "PUT" });
    expect(response.status).toBe(405);
    expect(response.headers.get("x-ratelimit-limit")).not.toBeNull();
  });

  it("answers a malformed Authorization header with 401", async () => {
    const response = await api(server.url, "GET", "/auth/me", { headers: { authorization: "Bearer" } });
    expect(response.status).toBe(401);
  });
});

describe("a lone UTF-16 surrogate", () => {
  it.each([
    ["message content", "/messages", () => ({ message_id: `m-surrogate-${uniqueName()}`, conversation_id: conversationId, content: "a\ud800b" })],
    ["sign-up full name", "/auth/signup", () => ({ username: uniqueName(), password: "long enough password", full_name: "x\udc00" })],
  ])("is refused with 422 in the %s, storing nothing", async (_name, path, json) => {
    const before = await api<{ messages: unknown[] }>(server.url, "GET", `/conversations/${conversationId}/messages?limit=200`, { token: alice.token });
    const response = await api(server.url, "POST", path, { token: alice.token, json: json() });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/surrogate/);
    const after = await api<{ messages: unknown[] }>(server.url, "GET", `/conversations/${conversationId}/messages?limit=200`, { token: alice.token });
    expect(after.body.messages).toHaveLength(before.body.messages.length);
  });
});

describe("the NUL character (U+0000)", () => {
  const nul = "a\u0000b";

  it.each([
    ["sign-up username", "/auth/signup", () => ({ username: nul, password: "long enough password" })],
    ["sign-up full name", "/auth/signup", () => ({ username: uniqueName(), password: "long enough password", full_name: nul })],
    ["login username", "/auth/login", () => ({ username: nul, password: "x" })],
    ["login password", "/auth/login", () => ({ username: alice.username, password: nul })],
    ["message content", "/messages", () => ({ message_id: "m-nul-1", conversation_id: conversationId, content: nul })],
    ["message_id", "/messages", () => ({ message_id: nul, conversation_id: conversationId, content: "hi" })],
    ["conversation_id", "/messages", () => ({ message_id: "m-nul-2", conversation_id: nul, content: "hi" })],
    ["member ids", "/conversations", () => ({ member_ids: [nul] })],
  ])("is refused with 422 in the %s", async (_name, path, json) => {
    const response = await api(server.url, "POST", path, { token: alice.token, json: json() });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/NUL/);
  });

  it("is refused with 422 in a path id", async () => {
    const response = await api(server.url, "GET", "/conversations/a%00b/messages", { token: alice.token });
    expect(response.status).toBe(422);
  });

  it("is refused with an error frame in a WebSocket frame, and the socket stays usable", async () => {
    const socket = await TestSocket.open(server.url, { token: alice.token });
    const error = await socket.request({ type: "message", message_id: "m-nul-3", conversation_id: conversationId, content: nul }, ["error", "message"]);
    expect(error).toMatchObject({ type: "error", reason: expect.stringMatching(/NUL/) });
    expect(await socket.request({ type: "join", conversation_id: nul }, ["error", "joined"])).toMatchObject({ type: "error" });
    expect(await socket.request({ type: "ping" }, ["pong"])).toEqual({ type: "pong" });
    await socket.close();
  });
});

describe("cursors", () => {
  it.each(["after=2147483648", "before=2147483648", "after=1e400", "before=-1", "limit=2147483648"])("answer %s with 422", async (query) => {
    const response = await api(server.url, "GET", `/conversations/${conversationId}/messages?${query}`, { token: alice.token });
    expect(response.status).toBe(422);
  });

  it("answers a sync cursor past the 32-bit range with an error frame", async () => {
    const socket = await TestSocket.open(server.url, { token: alice.token });
    const frame = await socket.request({ type: "sync", conversation_id: conversationId, after_seq: 2 ** 31 }, ["error", "synced"]);
    expect(frame.type).toBe("error");
    await socket.close();
  });
});

describe("unknown methods and malformed paths", () => {
  it.each(["/", "/messages", "/auth/login", "/api/auth/session"])("answer TRACE on %s with 405 naming the allowed methods", async (path) => {
    // fetch refuses to send TRACE, so the request is written by hand.
    const raw = await rawRequest(server.url, `TRACE ${path} HTTP/1.1`);
    expect(raw).toMatch(/^HTTP\/1\.1 405/);
    expect(raw).toMatch(/\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/i);
    expect(raw).toContain('{"detail":');
  });

  it.each(["FOO", "TRACK", "CONNECT"])("answer the method %s, which no route serves, with 405 and a JSON detail", async (method) => {
    const target = method === "CONNECT" ? "localhost:443" : "/health";
    const raw = await rawExchange(server.url, `${method} ${target} HTTP/1.1\r\nHost: localhost`);
    expect(raw).toMatch(/^HTTP\/1\.1 405/);
    expect(raw).toMatch(/\r\nAllow: GET, HEAD, POST/i);
    expect(raw).toContain('{"detail":');
  });

  it.each(["/conversations/%E0%A4%A/messages", "/api/auth/%zz", "/%"])("answer malformed percent-encoding in %s with 400", async (path) => {
    const response = await api(server.url, "GET", path, { token: alice.token });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ detail: expect.stringMatching(/percent-encoding/) });
  });
});

describe("requests Next.js cannot build a URL or a route from", () => {
  it.each(["[bad", "a b", "x:99999", "%zz", "a/b"])("answer a Host of %j with 400 on pages, next-auth and the API", async (host) => {
    for (const path of ["/", "/api/auth/session", `/conversations/${conversationId}/messages`]) {
      const raw = await rawExchange(server.url, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${alice.token}`);
      expect(raw).toMatch(/^HTTP\/1\.1 400/);
      expect(raw).toContain("Host header");
    }
  });

  it("answers the asterisk form with 400, and OPTIONS * with what the server allows", async () => {
    expect(await rawExchange(server.url, "GET * HTTP/1.1\r\nHost: localhost")).toMatch(/^HTTP\/1\.1 400/);
    const options = await rawExchange(server.url, "OPTIONS * HTTP/1.1\r\nHost: localhost");
    expect(options).toMatch(/^HTTP\/1\.1 204/);
    expect(options).toMatch(/\r\nAllow: GET, HEAD, POST/i);
  });

  it.each(["x", "%zz", encodeURIComponent(JSON.stringify({ children: 1 }))])("answers a page request with a router state of %j with 400", async (state) => {
    for (const path of ["/", "/no-such-page"]) {
      const response = await fetch(`${server.url}${path}`, { headers: { rsc: "1", "next-router-state-tree": state } });
      expect(response.status).toBe(400);
    }
  });

  it("answers a form posted to a page without the page's script with 400, from any origin", async () => {
    for (const origin of [server.url, "https://evil.example"]) {
      const form = new FormData();
      form.append("$ACTION_ID_0123456789abcdef", "");
      form.append("x", "y");
      const response = await fetch(`${server.url}/`, { method: "POST", headers: { origin }, body: form });
      expect(response.status).toBe(400);
    }
  });
});

describe("next-auth endpoints", () => {
  it.each(["%zz", "::", "http://%5Bbad", "javascript:alert(1)"])("answer a callbackUrl of %j with 400 wherever it is sent", async (callbackUrl) => {
    const query = await fetch(`${server.url}/api/auth/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`, { redirect: "manual" });
    expect(query.status).toBe(400);
    const cookie = await fetch(`${server.url}/api/auth/session`, { headers: { cookie: `next-auth.callback-url=${encodeURIComponent(callbackUrl)}` } });
    expect(cookie.status).toBe(400);
    const form = await fetch(`${server.url}/api/auth/signout`, { method: "POST", body: new URLSearchParams({ callbackUrl }), redirect: "manual" });
    expect(form.status).toBe(400);
  });

  it("takes a callbackUrl that is a path or an http(s) URL", async () => {
    const response = await fetch(`${server.url}/api/auth/signin?callbackUrl=${encodeURIComponent("/chat")}`, { redirect: "manual" });
    expect(response.status).toBeLessThan(400);
  });

  it.each(["/api/auth/signin", "/api/auth/callback/credentials", "/api/auth/signout", "/api/auth/session"])(
    "answer an empty or broken JSON body on %s with 400",
    async (path) => {
      for (const body of ["", "{"]) {
        const response = await api(server.url, "POST", path, { body, headers: { "content-type": "application/json" } });
        expect(response.status).toBe(400);
      }
    },
  );
});

describe("server action requests", () => {
  let signUpAction: string;

  beforeAll(async () => {
    signUpAction = await findActionId(server.url, "/", "signUpAction");
  });

  it("run when well-formed", async () => {
    const username = uniqueName("action");
    const response = await postAction(server.url, "/", signUpAction, JSON.stringify([{ username, password: "long enough password" }]));
    expect(response.status).toBe(200);
    expect(response.text).toContain(`"username":"${username}"`);
  });

  it.each(["not json", "", '"$T"', '["$Z"]', '["$1"]', '["$Q1"]', '["$nabc"]', '{"username":"x"}'])(
    "answer the malformed body %j with 400",
    async (body) => {
      const response = await postAction(server.url, "/", signUpAction, body);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toEqual({ detail: expect.any(String) });
    },
  );

  it("answer a multipart body with 400", async () => {
    const response = await postAction(server.url, "/chat", signUpAction, "garbage", { "content-type": "multipart/form-data; boundary=x" });
    expect(response.status).toBe(400);
  });

  it("answer a post from another site with 403", async () => {
    const body = JSON.stringify([{ username: uniqueName(), password: "long enough password" }]);
    const response = await postAction(server.url, "/", signUpAction, body, { origin: "https://evil.example" });
    expect(response.status).toBe(403);
  });

  it("answer a post that its browser marks cross-site, without an Origin, with 403", async () => {
    const body = JSON.stringify([{ username: uniqueName(), password: "long enough password" }]);
    const response = await postAction(server.url, "/", signUpAction, body, { "sec-fetch-site": "cross-site" });
    expect(response.status).toBe(403);
  });
});

describe("health", () => {
  it("reports healthy", async () => {
    const response = await api(server.url, "GET", "/health");
    expect(response).toMatchObject({ status: 200, body: { status: "healthy" } });
  });

  it("reports ready while the database answers", async () => {
    const response = await api(server.url, "GET", "/ready");
    expect(response).toMatchObject({ status: 200, body: { status: "ready" } });
  });
});
