import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, uniqueName } from "../support/api";
import { findActionId, postAction } from "../support/server-actions";
import { startServer, type TestServer } from "../support/server";

const SIGNUPS = 2;
const ACTIONS = 3;
const API_REQUESTS = 5;
let server: TestServer;
let signUpAction: string;
let addresses = 0;

beforeAll(async () => {
  // Behind one trusted proxy every test can be a client of its own address.
  server = await startServer({
    env: {
      TRUST_PROXY: "1",
      RATE_LIMIT_SIGNUPS: String(SIGNUPS),
      RATE_LIMIT_ACTION_REQUESTS: String(ACTIONS),
      RATE_LIMIT_API_REQUESTS: String(API_REQUESTS),
    },
  });
  signUpAction = await findActionId(server.url, "/", "signUpAction");
});
afterAll(() => server.stop());

function newAddress() {
  addresses += 1;
  return { "x-forwarded-for": `203.0.113.${addresses}` };
}

const account = () => ({ username: uniqueName(), password: "long enough password" });

function actionSignUp(headers: Record<string, string>) {
  return postAction(server.url, "/", signUpAction, JSON.stringify([account()]), headers);
}

describe("the same gate at every entrance", () => {
  it("limits REST sign-ups per address with 429 and Retry-After", async () => {
    const headers = newAddress();
    for (let i = 0; i < SIGNUPS; i++) expect((await api(server.url, "POST", "/auth/signup", { json: account(), headers })).status).toBe(201);
    const refused = await api(server.url, "POST", "/auth/signup", { json: account(), headers });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await api(server.url, "POST", "/auth/signup", { json: account(), headers: newAddress() })).status).toBe(201);
  });

  it("counts web UI sign-ups against the same per-address budget", async () => {
    const headers = newAddress();
    expect((await api(server.url, "POST", "/auth/signup", { json: account(), headers })).status).toBe(201);
    expect((await actionSignUp(headers)).text).toContain('"ok":true');
    const refused = await actionSignUp(headers);
    expect(refused.status).toBe(200);
    expect(refused.text).toMatch(/"ok":false,"error":"Too many requests, retry in \d+ s"/);
  });

  it("limits server actions per address, whatever they do", async () => {
    const headers = newAddress();
    const answers = [];
    for (let i = 0; i <= ACTIONS; i++) answers.push((await postAction(server.url, "/", signUpAction, "[{}]", headers)).text);
    expect(answers.slice(0, ACTIONS).every((text) => !text.includes("Too many requests"))).toBe(true);
    expect(answers[ACTIONS]).toMatch(/Too many requests/);
  });

  it("limits next-auth's endpoints with the API budget of the address", async () => {
    const headers = newAddress();
    const statuses = [];
    for (let i = 0; i <= API_REQUESTS; i++) statuses.push((await fetch(`${server.url}/api/auth/csrf`, { headers })).status);
    expect(statuses).toEqual([...Array(API_REQUESTS).fill(200), 429]);
  });

  it.each(["/openapi.json", "/docs"])("limits the API description at %s with the API budget of the address", async (path) => {
    const headers = newAddress();
    const statuses = [];
    for (let i = 0; i <= API_REQUESTS; i++) statuses.push((await fetch(`${server.url}${path}`, { headers })).status);
    expect(statuses).toEqual([...Array(API_REQUESTS).fill(200), 429]);
  });
});
