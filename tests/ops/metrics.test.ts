import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { scrape } from "../support/metrics";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  server = await startServer();
  [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
  conversationId = await createConversation(server.url, alice, [bob]);
});
afterAll(() => server.stop());

const sample = (samples: Map<string, number>, key: string) => samples.get(key) ?? 0;

describe("GET /metrics", () => {
  it("serves Prometheus text with the pneumatic metrics and Node's process metrics", async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      "pneumatic_websocket_connections_total",
      "pneumatic_websocket_connections_active",
      "pneumatic_messages_sent_total",
      "pneumatic_messages_per_second",
      "pneumatic_http_requests_total",
      "pneumatic_http_request_duration_seconds",
      "pneumatic_websocket_frames_received_total",
      "pneumatic_websocket_frames_sent_total",
      "pneumatic_message_delivery_seconds",
      "process_cpu_user_seconds_total",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("counts each newly stored message once, and not its retries", async () => {
    const before = await scrape(server.url);
    const messageId = randomUUID();
    expect((await postMessage(server.url, alice, conversationId, "counted", messageId)).status).toBe(201);
    expect((await postMessage(server.url, alice, conversationId, "counted", messageId)).status).toBe(201);
    const after = await scrape(server.url);
    expect(sample(after, "pneumatic_messages_sent_total") - sample(before, "pneumatic_messages_sent_total")).toBe(1);
  });

  it("reports the message rate of the last minute", async () => {
    for (let i = 0; i < 3; i += 1) await postMessage(server.url, bob, conversationId, `rate ${i}`);
    const samples = await scrape(server.url);
    expect(sample(samples, "pneumatic_messages_per_second")).toBeGreaterThanOrEqual(3 / 60);
  });

  it("counts HTTP requests by route pattern and status, never by raw id", async () => {
    const key = 'pneumatic_http_requests_total{method="GET",route="/conversations/:id/messages",status="200"}';
    const forbiddenKey = 'pneumatic_http_requests_total{method="GET",route="/conversations/:id/messages",status="401"}';
    const before = await scrape(server.url);
    await api(server.url, "GET", `/conversations/${conversationId}/messages`, { token: alice.token });
    await api(server.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token });
    await api(server.url, "GET", `/conversations/${conversationId}/messages`);
    const after = await scrape(server.url);
    expect(sample(after, key) - sample(before, key)).toBe(2);
    expect(sample(after, forbiddenKey) - sample(before, forbiddenKey)).toBe(1);
    expect([...after.keys()].some((name) => name.includes(conversationId))).toBe(false);
  });

  it("records request latency in a histogram per route", async () => {
    const count = 'pneumatic_http_request_duration_seconds_count{method="GET",route="/users",status="200"}';
    const before = await scrape(server.url);
    await api(server.url, "GET", "/users", { token: alice.token });
    const after = await scrape(server.url);
    expect(sample(after, count) - sample(before, count)).toBe(1);
    expect(after.has('pneumatic_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/users",status="200"}')).toBe(true);
  });

  it("labels paths that match no route as unmatched", async () => {
    const response = await fetch(`${server.url}/no/such/${randomUUID()}`);
    expect(response.status).toBe(404);
    await response.arrayBuffer();
    const samples = await scrape(server.url);
    expect(sample(samples, 'pneumatic_http_requests_total{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
  });
});
