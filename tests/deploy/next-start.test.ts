import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage } from "../support/api";
import { freePort } from "../support/ports";
import { NEXT_BIN, startNextServer, type TestServer } from "../support/server";

describe("under next start", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startNextServer({ env: { TRUST_PROXY: "true", RATE_LIMIT_API_REQUESTS: "3" } });
  });
  afterAll(() => server.stop());

  it("migrates the database at start-up, before any request", async () => {
    // Next says "Ready" as it starts listening and runs register() just after.
    await expect.poll(() => existsSync(path.join(server.dataDir, "pneumatic.db")), { timeout: 10_000 }).toBe(true);
  });

  it("serves the walkthrough: sign up, log in, start a conversation, send, list", async () => {
    const forwarded = { "x-forwarded-for": "198.51.100.1" };
    const signup = await api<{ id: string }>(server.url, "POST", "/auth/signup", { json: { username: "vercel_alice", password: "a long password" }, headers: forwarded });
    expect(signup.status).toBe(201);
    const login = await api<{ access_token: string }>(server.url, "POST", "/auth/login", { json: { username: "vercel_alice", password: "a long password" }, headers: forwarded });
    expect(login.status).toBe(200);
    const alice = { id: signup.body.id, token: login.body.access_token, username: "vercel_alice", password: "", refreshToken: "" };
    const bob = await createUser(server.url);
    const conversationId = await createConversation(server.url, alice, [bob]);
    expect((await postMessage(server.url, alice, conversationId, "no custom server")).status).toBe(201);
    const history = await api<{ messages: { content: string }[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.messages.map((message) => message.content)).toEqual(["no custom server"]);
  });

  it("answers with a request id and logs one line per request", async () => {
    const response = await fetch(`${server.url}/health`);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => server.logs.filter((line) => line.includes(requestId!)).length).toBe(1);
    expect(JSON.parse(server.logs.find((line) => line.includes(requestId!))!)).toMatchObject({ msg: "http request", route: "/health", status: 200 });
  });

  it("counts requests in the HTTP metrics", async () => {
    await fetch(`${server.url}/health`);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/pneumatic_http_requests_total\{method="GET",route="\/health",status="200"\} [1-9]/);
  });

  it("limits anonymous callers per forwarded address, not all together", async () => {
    const login = (address: string) =>
      api(server.url, "POST", "/auth/login", { json: { username: "nobody", password: "wrong" }, headers: { "x-forwarded-for": address } });
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await login("203.0.113.7")).status).not.toBe(429);
    expect((await login("203.0.113.7")).status).toBe(429);
    expect((await login("203.0.113.8")).status).not.toBe(429);
  });
});

describe("next start with bad configuration", () => {
  it("stops at start-up without SECRET_KEY in production, saying why", async () => {
    const port = await freePort();
    const result = spawnSync(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATA_DIR: mkdtempSync(path.join(tmpdir(), "pneumatic-bad-")) },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SECRET_KEY is required in production/);
  });

  it("stops at start-up when its database file cannot be opened, saying why", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), "pneumatic-bad-"));
    const notADatabase = path.join(dataDir, "garbage.db");
    writeFileSync(notADatabase, randomBytes(5000));
    const result = spawnSync(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", SECRET_KEY: "k".repeat(40), DATA_DIR: dataDir, DATABASE_URL: `file:${notADatabase}` },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    const output = result.stdout + result.stderr;
    expect(output).toContain('"msg":"failed to start"');
    expect(output).toContain("file is not a database");
  });
});
