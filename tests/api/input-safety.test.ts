import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";

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

  it("answers a wrong method with 405", async () => {
    expect((await fetch(`${server.url}/messages`, { method: "GET" })).status).toBe(405);
  });

  it("answers a malformed Authorization header with 401", async () => {
    const response = await api(server.url, "GET", "/auth/me", { headers: { authorization: "Bearer" } });
    expect(response.status).toBe(401);
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
