import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createUser, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;

beforeAll(async () => {
  server = await startServer();
  alice = await createUser(server.url, "alice");
});
afterAll(() => server.stop());

type LogLine = Record<string, unknown>;

function logLines(): LogLine[] {
  return server.logs.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as LogLine);
}

/** The access log line is written when the response closes, just after the client has it. */
async function requestLine(requestId: string): Promise<LogLine> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const line = logLines().find((entry) => entry.msg === "http request" && entry.request_id === requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no log line for request ${requestId}`);
}

describe("request logs", () => {
  it("writes one JSON line per request with method, route, status, duration, user and request id", async () => {
    const response = await api(server.url, "GET", "/auth/me", { token: alice.token });
    const requestId = response.headers.get("x-request-id")!;
    const line = await requestLine(requestId);
    expect(line).toMatchObject({ level: "info", method: "GET", route: "/auth/me", status: 200, user_id: alice.id });
    expect(typeof line.duration_ms).toBe("number");
    expect(logLines().filter((entry) => entry.request_id === requestId)).toHaveLength(1);
  });

  it("logs the route pattern beside the path", async () => {
    const response = await api(server.url, "GET", "/conversations/not-a-real-id/messages", { token: alice.token });
    const line = await requestLine(response.headers.get("x-request-id")!);
    expect(line).toMatchObject({ route: "/conversations/:id/messages", path: "/conversations/not-a-real-id/messages", status: 404 });
  });

  it("keeps a well-formed request id sent by the client and replaces a malformed one", async () => {
    const kept = await api(server.url, "GET", "/health", { headers: { "x-request-id": "edge-42.abc" } });
    expect(kept.headers.get("x-request-id")).toBe("edge-42.abc");
    const replaced = await api(server.url, "GET", "/health", { headers: { "x-request-id": "bad id\twith spaces" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs no user for an anonymous request", async () => {
    const response = await api(server.url, "GET", "/health");
    expect(await requestLine(response.headers.get("x-request-id")!)).toMatchObject({ user_id: null, status: 200 });
  });

  it("never logs passwords or tokens", async () => {
    const login = await api<{ access_token: string; refresh_token: string }>(server.url, "POST", "/auth/login", {
      json: { username: alice.username, password: alice.password },
    });
    const refresh = await api(server.url, "POST", "/auth/refresh", { json: { refresh_token: login.body.refresh_token } });
    const me = await api(server.url, "GET", `/auth/me?token=${login.body.access_token}`, { token: login.body.access_token });
    await requestLine(me.headers.get("x-request-id")!);
    await requestLine(refresh.headers.get("x-request-id")!);
    const everything = server.logs.join("\n");
    for (const secret of [alice.password, alice.token, login.body.access_token, login.body.refresh_token]) {
      expect(everything).not.toContain(secret);
    }
  });
});
