import { afterAll, describe, expect, it } from "vitest";

import { startServer, type TestServer } from "../support/server";

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop())));

async function callbackUrl(env: Record<string, string>, headers: Record<string, string>): Promise<string> {
  const server = await startServer({ env });
  servers.push(server);
  const response = await fetch(`${server.url}/api/auth/providers`, { headers });
  const providers = (await response.json()) as { credentials: { callbackUrl: string } };
  return providers.credentials.callbackUrl;
}

describe("next-auth's own URL", () => {
  it("ignores a client's X-Forwarded-Host when no proxy is trusted", async () => {
    const url = await callbackUrl({ TRUST_PROXY: "false" }, { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });
    expect(new URL(url).host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(new URL(url).protocol).toBe("http:");
  });

  it("follows X-Forwarded-Host and -Proto from a trusted proxy", async () => {
    const url = await callbackUrl({ TRUST_PROXY: "loopback" }, { "x-forwarded-host": "chat.example", "x-forwarded-proto": "https" });
    expect(url).toBe("https://chat.example/api/auth/callback/credentials");
  });

  it("is NEXTAUTH_URL when set, whatever the headers say", async () => {
    const url = await callbackUrl({ NEXTAUTH_URL: "https://chat.example.org" }, { "x-forwarded-host": "evil.example" });
    expect(url).toBe("https://chat.example.org/api/auth/callback/credentials");
  });
});
