import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createUser, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { webLogIn } from "../support/web-session";

const FAILURES_PER_ADDRESS = 8;
let server: TestServer;
let addresses = 0;

beforeAll(async () => {
  // Behind one trusted proxy each test can be a client of its own address.
  server = await startServer({ env: { TRUST_PROXY: "1", LOGIN_FAILURES_PER_ADDRESS: String(FAILURES_PER_ADDRESS) } });
});
afterAll(() => server.stop());

function newAddress() {
  addresses += 1;
  return { "x-forwarded-for": `198.51.100.${addresses}` };
}

function restLogIn(user: TestUser, password: string, headers = newAddress()) {
  return api(server.url, "POST", "/auth/login", { json: { username: user.username, password }, headers });
}

async function failTimes(user: TestUser, count: number, headers = newAddress()) {
  for (let i = 0; i < count; i++) expect((await restLogIn(user, "wrong password", headers)).status).toBe(401);
}

describe("failed-login throttling", () => {
  it("answers the 6th consecutive failure with 429 and Retry-After", async () => {
    const user = await createUser(server.url);
    await failTimes(user, 5);
    const refused = await restLogIn(user, "wrong password");
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ detail: expect.stringMatching(/too many/i) });
    expect(Number(refused.headers.get("retry-after"))).toBe(1);
  });

  it("refuses the right password too while the lock lasts", async () => {
    const user = await createUser(server.url);
    await failTimes(user, 5);
    expect((await restLogIn(user, user.password)).status).toBe(429);
  });

  it("doubles the wait with each further failure", async () => {
    const user = await createUser(server.url);
    await failTimes(user, 5);
    await sleep(1100);
    expect((await restLogIn(user, "wrong password")).status).toBe(401);
    expect(Number((await restLogIn(user, "wrong password")).headers.get("retry-after"))).toBe(2);
  });

  it("leaves other accounts unaffected", async () => {
    const [victim, bystander] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const headers = newAddress();
    await failTimes(victim, 5, headers);
    expect((await restLogIn(bystander, bystander.password, headers)).status).toBe(200);
  });

  it("forgets the failures after a successful login", async () => {
    const user = await createUser(server.url);
    await failTimes(user, 4);
    expect((await restLogIn(user, user.password)).status).toBe(200);
    await failTimes(user, 4);
    expect((await restLogIn(user, user.password)).status).toBe(200);
  });

  it("throttles an address that guesses across many accounts", async () => {
    const headers = newAddress();
    const users = await Promise.all(Array.from({ length: FAILURES_PER_ADDRESS + 1 }, () => createUser(server.url)));
    for (const user of users.slice(0, FAILURES_PER_ADDRESS)) await failTimes(user, 1, headers);
    const last = users[FAILURES_PER_ADDRESS]!;
    expect((await restLogIn(last, last.password, headers)).status).toBe(429);
    expect((await restLogIn(last, last.password)).status).toBe(200);
  });

  it("counts the web login's failures and REST's together, and refuses the web login with 429", async () => {
    const user = await createUser(server.url);
    const headers = newAddress();
    for (let i = 0; i < 3; i++) expect((await webLogIn(server.url, user.username, "wrong password", headers)).status).toBe(401);
    await failTimes(user, 2, headers);
    const refused = await webLogIn(server.url, user.username, user.password, headers);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.cookie).toBeNull();
  });

  it("signs in through the web login with the right password", async () => {
    const user = await createUser(server.url);
    const login = await webLogIn(server.url, user.username, user.password, newAddress());
    expect(login.status).toBe(200);
    expect(login.cookie).not.toBeNull();
  });
});
