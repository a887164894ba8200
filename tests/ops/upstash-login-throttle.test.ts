import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createUser, type TestUser } from "../support/api";
import { freePort } from "../support/ports";
import { startRedis, type TestRedis } from "../support/redis";
import { startServer, type TestServer } from "../support/server";
import { startUpstashRestBridge, type UpstashRestBridge } from "../support/upstash-rest";

let redis: TestRedis;
let bridge: UpstashRestBridge;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  redis = await startRedis();
  bridge = await startUpstashRestBridge(redis.url);
  const env = { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token };
  first = await startServer({ env });
  // A second instance on the same database, as behind a load balancer.
  second = await startServer({ env: { ...env, DATA_DIR: first.dataDir, SECRET_KEY: first.env.SECRET_KEY! }, dataDir: first.dataDir });
});
afterAll(async () => {
  await Promise.all([second?.stop(), first?.stop()]);
  await bridge?.stop();
  await redis?.stop();
});

const logIn = (server: TestServer, user: TestUser, password: string) =>
  api(server.url, "POST", "/auth/login", { json: { username: user.username, password } });

describe("failed-login throttling with Upstash Redis", () => {
  it("counts failures on every instance together", async () => {
    const user = await createUser(first.url);
    for (const server of [first, second, first, second, first]) expect((await logIn(server, user, "wrong password")).status).toBe(401);
    const refused = await logIn(second, user, user.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBe(1);
  });

  it("lets logins through when Redis cannot be reached", async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const server = await startServer({ env: { UPSTASH_REDIS_REST_URL: unreachable, UPSTASH_REDIS_REST_TOKEN: "token" } });
    try {
      const user = await createUser(server.url);
      expect((await logIn(server, user, "wrong password")).status).toBe(401);
      expect((await logIn(server, user, user.password)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
