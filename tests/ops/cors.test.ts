import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createUser, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";

const ALLOWED = "https://chat.example.com";
let server: TestServer;
let alice: TestUser;

beforeAll(async () => {
  server = await startServer({ env: { CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` } });
  alice = await createUser(server.url, "alice");
});
afterAll(() => server.stop());

function preflight(path: string, origin: string) {
  return fetch(`${server.url}${path}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
  });
}

describe("CORS", () => {
  it("answers a preflight from an allowed origin with the methods and headers the API accepts", async () => {
    const response = await preflight("/messages", ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("names in a preflight exactly the methods of the route asked about", async () => {
    const reactions = await preflight("/messages/some-id/reactions/%F0%9F%91%8D", ALLOWED);
    expect(reactions.headers.get("access-control-allow-methods")).toBe("PUT, DELETE, OPTIONS");
    const message = await preflight("/messages/some-id", ALLOWED);
    expect(message.headers.get("access-control-allow-methods")).toBe("PATCH, DELETE, OPTIONS");
    expect(message.headers.get("allow")).toBe("PATCH, DELETE, OPTIONS");
  });

  it("answers preflights on routes with parameters too", async () => {
    const response = await preflight("/conversations/some-id/messages", "http://localhost:5173");
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });

  it("gives an origin that is not allowed no Allow-Origin, so the browser refuses", async () => {
    const response = await preflight("/messages", "https://evil.example");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const get = await api(server.url, "GET", "/auth/me", { token: alice.token, headers: { origin: "https://evil.example" } });
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets an allowed origin read the response and its rate-limit headers", async () => {
    const response = await api(server.url, "GET", "/auth/me", { token: alice.token, headers: { origin: ALLOWED } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(response.headers.get("vary")).toMatch(/origin/i);
    expect(response.headers.get("access-control-expose-headers")).toContain("X-RateLimit-Remaining");
  });

  it("adds the headers to error responses as well", async () => {
    const response = await api(server.url, "GET", "/auth/me", { headers: { origin: ALLOWED } });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED);
  });
});
