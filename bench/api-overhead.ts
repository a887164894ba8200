/**
 * Cost of the operations layer on the REST API: throughput and latency of an authenticated
 * GET /auth/me (rate limit, request log, metrics, route handler) with in-memory limits and no
 * tracing, with tracing exported to a local OTLP sink, and with limits kept in a real
 * redis-server behind the test Upstash REST bridge. Also how long a /metrics scrape takes.
 *
 * Needs a production build (`npm run bench` builds first). Talks only to 127.0.0.1.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

import { createUser } from "../tests/support/api";
import { startRedis } from "../tests/support/redis";
import { startServer } from "../tests/support/server";
import { startUpstashRestBridge } from "../tests/support/upstash-rest";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARM_UP = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function load(url: string, token: string, count: number): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next += 1;
        const requestStarted = performance.now();
        const response = await fetch(`${url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET /auth/me answered ${response.status}`);
        latencies.push(performance.now() - requestStarted);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

async function measure(label: string, env: Record<string, string>): Promise<void> {
  const server = await startServer({ env: { ...env, RATE_LIMIT_API_REQUESTS: String(REQUESTS * 10) } });
  try {
    const user = await createUser(server.url, "bench");
    await load(server.url, user.token, WARM_UP);
    const { seconds, latencies } = await load(server.url, user.token, REQUESTS);
    const scrapes: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      await (await fetch(`${server.url}/metrics`)).text();
      scrapes.push(performance.now() - started);
    }
    scrapes.sort((a, b) => a - b);
    console.log(
      `${label.padEnd(28)} ${Math.round(REQUESTS / seconds)} req/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms; /metrics scrape p50 ${percentile(scrapes, 50).toFixed(1)} ms`,
    );
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(`GET /auth/me, ${REQUESTS} requests, ${CONCURRENCY} at a time`);
  await measure("memory limits, no tracing", {});

  const sink = createServer((request, response) => {
    request.resume();
    request.on("end", () => response.end("{}"));
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = sink.address() as AddressInfo;
    await measure("memory limits, tracing on", { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
  } finally {
    await new Promise((resolve) => sink.close(resolve));
  }

  const redis = await startRedis();
  const bridge = await startUpstashRestBridge(redis.url);
  try {
    await measure("Upstash limits (local bridge)", { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token });
  } finally {
    await bridge.stop();
    await redis.stop();
  }
}

await main();
