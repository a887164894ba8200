import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, uniqueName } from "../support/api";
import { startServer, type TestServer } from "../support/server";

const LIMIT = 4;
let server: TestServer;
let addresses = 0;

beforeAll(async () => {
  // Behind a trusted proxy every test can be a client of its own address.
  server = await startServer({
    env: { RATE_LIMIT_API_REQUESTS: String(LIMIT), RATE_LIMIT_API_WINDOW_SECONDS: "60", TRUST_PROXY: "true" },
  });
});
afterAll(() => server.stop());

function newClient() {
  addresses += 1;
  const headers = { "x-forwarded-for": `198.51.100.${addresses}` };
  return (method: string, path: string, options: { token?: string; json?: unknown } = {}) =>
    api(server.url, method, path, { ...options, headers });
}

async function signUpAndLogIn(client: ReturnType<typeof newClient>) {
  const username = uniqueName();
  const signup = await client("POST", "/auth/signup", { json: { username, password: "correct horse battery" } });
  const login = await client("POST", "/auth/login", { json: { username, password: "correct horse battery" } });
  return { id: String(signup.body.id), username, token: String(login.body.access_token) };
}

describe("API rate limiting", () => {
  it("tells the client its limit, what remains and when the window resets", async () => {
    const client = newClient();
    const first = await client("GET", "/users");
    const second = await client("GET", "/users");
    expect(first.headers.get("x-ratelimit-limit")).toBe(String(LIMIT));
    expect(first.headers.get("x-ratelimit-remaining")).toBe(String(LIMIT - 1));
    expect(second.headers.get("x-ratelimit-remaining")).toBe(String(LIMIT - 2));
    const reset = Number(first.headers.get("x-ratelimit-reset"));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
  });

  it("answers 429 with Retry-After past the limit", async () => {
    const client = newClient();
    for (let i = 0; i < LIMIT; i += 1) expect((await client("GET", "/users")).status).toBe(401);
    const refused = await client("GET", "/users");
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ detail: expect.stringMatching(/too many requests/i) });
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("does not run the handler of a refused request", async () => {
    const client = newClient();
    for (let i = 0; i < LIMIT; i += 1) await client("GET", "/users");
    const username = uniqueName();
    const refused = await client("POST", "/auth/signup", { json: { username, password: "correct horse battery" } });
    expect(refused.status).toBe(429);
    const retry = await newClient()("POST", "/auth/signup", { json: { username, password: "correct horse battery" } });
    expect(retry.status).toBe(201);
  });

  it("limits a signed-in user per user, whichever address they use", async () => {
    const user = await signUpAndLogIn(newClient());
    const home = newClient();
    const phone = newClient();
    const statuses = [];
    for (let i = 0; i < LIMIT; i += 1) statuses.push((await (i % 2 ? home : phone)("GET", "/auth/me", { token: user.token })).status);
    expect(statuses).toEqual(Array(LIMIT).fill(200));
    expect((await home("GET", "/auth/me", { token: user.token })).status).toBe(429);
    // The address itself still has its own budget for anonymous requests.
    expect((await home("GET", "/users")).status).toBe(401);
  });

  it("counts a logged-out token's messages against its address, not against the user it names", async () => {
    const user = await signUpAndLogIn(newClient());
    const phone = await newClient()("POST", "/auth/login", { json: { username: user.username, password: "correct horse battery" } });
    expect((await newClient()("POST", "/auth/logout", { token: user.token })).status).toBe(204);
    const thief = newClient();
    const statuses = [];
    for (let i = 0; i < LIMIT; i += 1) {
      statuses.push((await thief("POST", "/messages", { token: user.token, json: { message_id: crypto.randomUUID(), conversation_id: crypto.randomUUID(), content: "x" } })).status);
    }

    expect(statuses).toEqual(Array(LIMIT).fill(401));
    const me = await newClient()("GET", "/auth/me", { token: String(phone.body.access_token) });
    expect(me.status).toBe(200);
    expect(me.headers.get("x-ratelimit-remaining")).toBe(String(LIMIT - 2));
  });

  it("gives every user a budget of their own on one address", async () => {
    const office = newClient();
    const [ann, ben] = [await signUpAndLogIn(newClient()), await signUpAndLogIn(newClient())];
    for (let i = 0; i < LIMIT; i += 1) await office("GET", "/auth/me", { token: ann.token });
    expect((await office("GET", "/auth/me", { token: ann.token })).status).toBe(429);
    expect((await office("GET", "/auth/me", { token: ben.token })).status).toBe(200);
  });

  it("exempts /health, /ready and /metrics", async () => {
    const client = newClient();
    for (let i = 0; i <= LIMIT; i += 1) await client("GET", "/users");
    for (const path of ["/health", "/ready", "/metrics"]) {
      for (let i = 0; i <= LIMIT; i += 1) {
        const response = await fetch(`${server.url}${path}`, { headers: { "x-forwarded-for": `198.51.100.${addresses}` } });
        expect(response.status).toBe(200);
        expect(response.headers.get("x-ratelimit-limit")).toBeNull();
        await response.arrayBuffer();
      }
    }
  });
});
