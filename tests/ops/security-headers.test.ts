import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { TRUST_PROXY: "1" } });
});
afterAll(() => server.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: "manual" });

describe("security headers", () => {
  it.each(["/", "/chat", "/auth/me", "/users", "/health", "/api/auth/providers", "/no-such-page"])("are on %s", async (path) => {
    const response = await get(path);
    await response.arrayBuffer();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
  });

  it("give a page a nonce-based script policy without 'unsafe-inline', with a fresh nonce each time", async () => {
    const policies = await Promise.all([get("/"), get("/")].map(async (pending) => {
      const response = await pending;
      const html = await response.text();
      const policy = response.headers.get("content-security-policy")!;
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(nonce).toBeDefined();
      expect(html).toContain(`nonce="${nonce}"`);
      return policy;
    }));
    const scripts = policies[0]!.split(";").find((directive) => directive.trim().startsWith("script-src"))!;
    expect(scripts).not.toContain("unsafe-inline");
    expect(policies[0]).not.toBe(policies[1]);
  });

  it("lock API responses down completely", async () => {
    const response = await get("/health");
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("let a page given no policy of its own (an unknown path's 404) load the site's styles but run no script", async () => {
    const response = await get("/no-such-page");
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Page not found");
    const policy = response.headers.get("content-security-policy")!;
    expect(policy).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(policy).toMatch(/^default-src 'none'/);
    expect(policy).not.toMatch(/script-src/);
  });

  it("add HSTS only when the request came over HTTPS through the trusted proxy", async () => {
    expect((await get("/health")).headers.get("strict-transport-security")).toBeNull();
    expect((await get("/health", { "x-forwarded-proto": "https" })).headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  });
});
