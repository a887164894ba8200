import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { uniqueName } from "../support/api";
import { rawRequest } from "../support/raw-http";
import { findActionId, postAction } from "../support/server-actions";
import { startNextServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// The same request guard as on the custom server, reached without server.ts: `next start`
// alone would answer these requests with a 500 or without any security header.
let server: TestServer;
beforeAll(async () => {
  server = await startNextServer({ env: { TRUST_PROXY: "false" } });
  // Next starts listening before it runs register(), which installs the guard: wait for it.
  await vi.waitFor(async () => {
    const response = await fetch(`${server.url}/health`);
    if (response.headers.get("x-content-type-options") !== "nosniff") throw new Error("register() has not run yet");
  }, { timeout: 10_000, interval: 100 });
});
afterAll(() => server.stop());

describe("under next start, the request guard", () => {
  it.each(["/", "/chat", "/health", "/users", "/api/auth/providers", "/no-such-page"])("puts the security headers on %s", async (path) => {
    const response = await fetch(`${server.url}${path}`, { redirect: "manual" });
    await response.arrayBuffer();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
  });

  it("keeps a page's nonce-based policy and locks API responses down", async () => {
    expect((await fetch(`${server.url}/`)).headers.get("content-security-policy")).toMatch(/'nonce-[^']+'/);
    expect((await fetch(`${server.url}/health`)).headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it.each(["/health", "/chat", "/api/auth/session"])("answers TRACE on %s with 405", async (path) => {
    const raw = await rawRequest(server.url, `TRACE ${path} HTTP/1.1`);
    expect(raw).toMatch(/^HTTP\/1\.1 405/);
    expect(raw).toMatch(/\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/i);
  });

  it.each(["/conversations/%E0%A4%A/messages", "/api/auth/%zz", "/%"])("answers malformed percent-encoding in %s with 400", async (path) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: expect.stringMatching(/percent-encoding/) });
  });

  it("refuses a WebSocket upgrade with 404 at once, since no WebSocket server runs", async () => {
    expect(await TestSocket.refusal(server.url)).toBe(404);
  });

  it("ignores a client's X-Forwarded-Host when no proxy is trusted", async () => {
    const response = await fetch(`${server.url}/api/auth/providers`, { headers: { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" } });
    const providers = (await response.json()) as { credentials: { callbackUrl: string } };
    expect(new URL(providers.credentials.callbackUrl).host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("refuses a server action posted from another site with 403", async () => {
    const signUpAction = await findActionId(server.url, "/", "signUpAction");
    const body = JSON.stringify([{ username: uniqueName(), password: "long enough password" }]);
    expect((await postAction(server.url, "/", signUpAction, body, { origin: "https://evil.example" })).status).toBe(403);
    expect((await postAction(server.url, "/", signUpAction, body, { "sec-fetch-site": "cross-site" })).status).toBe(403);
  });
});
