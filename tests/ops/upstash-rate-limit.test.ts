import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api } from "../support/api";
import { freePort } from "../support/ports";
import { startRedis, type TestRedis } from "../support/redis";
import { startServer, type TestServer } from "../support/server";
import { startUpstashRestBridge, type UpstashRestBridge } from "../support/upstash-rest";

const LIMIT = 5;
let redis: TestRedis;
let bridge: UpstashRestBridge;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  redis = await startRedis();
  bridge = await startUpstashRestBridge(redis.url);
  const env = {
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    RATE_LIMIT_API_REQUESTS: String(LIMIT),
    RATE_LIMIT_API_WINDOW_SECONDS: "60",
    TRUST_PROXY: "true",
  };
  [first, second] = await Promise.all([startServer({ env }), startServer({ env })]);
});
afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await bridge?.stop();
  await redis?.stop();
});

describe("the Upstash REST bridge used by these tests", () => {
  it("speaks the protocol of @upstash/redis, pipelines and errors included", async () => {
    const client = new Redis({ url: bridge.url, token: bridge.token });
    await client.set("bridge:key", "héllo");
    const [value, count] = await Promise.all([client.get("bridge:key"), client.incr("bridge:counter")]);
    expect(value).toBe("héllo");
    expect(count).toBe(1);
    expect(await client.eval("#!lua flags=allow-key-locking\nreturn 7", [], [])).toBe(7);
    await expect(client.eval("return redis.call('NOPE')", [], [])).rejects.toThrow(/unknown|NOPE/i);
    await expect(new Redis({ url: bridge.url, token: "wrong" }).get("bridge:key")).rejects.toThrow(/unauthorized/i);
  });
});

describe("rate limits shared through Upstash Redis", () => {
  it("counts requests to two instances against one limit", async () => {
    const headers = { "x-forwarded-for": "203.0.113.7" };
    const remaining: string[] = [];
    for (let i = 0; i < LIMIT; i += 1) {
      const response = await api((i % 2 ? second : first).url, "GET", "/users", { headers });
      expect(response.status).toBe(401);
      remaining.push(response.headers.get("x-ratelimit-remaining")!);
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);
    for (const server of [first, second]) {
      const refused = await api(server.url, "GET", "/users", { headers });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });

  it("keeps the counters in Redis under the pneumatic prefix", async () => {
    await api(first.url, "GET", "/users", { headers: { "x-forwarded-for": "203.0.113.8" } });
    const client = new Redis({ url: bridge.url, token: bridge.token });
    const keys = await client.keys("pneumatic:ratelimit:api:*");
    expect(keys.some((key) => key.includes("ip:203.0.113.8"))).toBe(true);
  });
});

describe("when Upstash Redis cannot be reached", () => {
  it("lets requests through and logs a warning instead of failing them", async () => {
    const unreachable = await startServer({
      env: { UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${await freePort()}`, UPSTASH_REDIS_REST_TOKEN: "t", RATE_LIMIT_API_REQUESTS: "1" },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await api(unreachable.url, "GET", "/users")).status);
      expect(statuses).toEqual([401, 401, 401]);
      expect(unreachable.logs.some((line) => line.includes("rate limiter unavailable"))).toBe(true);
    } finally {
      await unreachable.stop();
    }
  });
});
