/**
 * Fan-out benchmark: one group, many members with two devices each; one member sends a burst
 * of messages over WebSocket. Prints delivery latency, delivery throughput and how long
 * /health takes meanwhile (the event loop's responsiveness to other users).
 *
 * Needs a production build (`npm run bench` builds first). Talks only to 127.0.0.1.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";

import { createConversation, createUser, type TestUser } from "../tests/support/api";
import { startServer } from "../tests/support/server";
import { TestSocket } from "../tests/support/ws";
import { eventually } from "../tests/support/wait";

const HEALTH_PROBE = `
const { parentPort, workerData } = require("node:worker_threads");
const latencies = [];
let running = true;
parentPort.once("message", () => { running = false; });
(async () => {
  while (running) {
    const started = performance.now();
    await fetch(workerData);
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  parentPort.postMessage(latencies);
})();
`;

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 200);
const DEVICES_PER_MEMBER = 2;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${label}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms (n=${sorted.length})`;
}

async function main(): Promise<void> {
  const server = await startServer();
  try {
    const members: TestUser[] = [];
    for (let i = 0; i < MEMBERS; i += 20) {
      members.push(...(await Promise.all(Array.from({ length: Math.min(20, MEMBERS - i) }, () => createUser(server.url, "bench")))));
    }
    const [sender, ...others] = members as [TestUser, ...TestUser[]];
    const conversationId = await createConversation(server.url, sender, others, "Benchmark");
    const sockets: TestSocket[] = [];
    for (const member of members) {
      for (let d = 0; d < DEVICES_PER_MEMBER; d++) sockets.push(await TestSocket.open(server.url, { token: member.token }));
    }
    const senderSocket = sockets[0]!;

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    for (const socket of sockets) {
      socket.socket.on("message", (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; message?: { message_id: string } };
        const started = frame.message ? sentAt.get(frame.message.message_id) : undefined;
        if (started !== undefined) latencies.push(performance.now() - started);
      });
    }

    // The probe runs on its own thread so that the clients' work here does not delay it.
    const probe = new Worker(HEALTH_PROBE, { eval: true, workerData: `${server.url}/health` });
    const healthLatencies = new Promise<number[]>((resolve) => probe.once("message", resolve));

    const expected = MESSAGES * sockets.length;
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      const messageId = randomUUID();
      sentAt.set(messageId, performance.now());
      senderSocket.send({ type: "message", message_id: messageId, conversation_id: conversationId, content: `benchmark message ${i}` });
    }
    await eventually(() => latencies.length >= expected, () => `only ${latencies.length} of ${expected} deliveries arrived`, 300_000);
    const elapsed = (performance.now() - started) / 1000;
    probe.postMessage("stop");

    console.log(`fan-out: ${MEMBERS} members x ${DEVICES_PER_MEMBER} devices = ${sockets.length} connections, ${MESSAGES} messages`);
    console.log(`deliveries: ${expected} in ${elapsed.toFixed(2)} s = ${Math.round(expected / elapsed)} deliveries/s`);
    console.log(summary("delivery latency (send -> receipt)", latencies));
    console.log(summary("GET /health latency during fan-out", await healthLatencies));
    await Promise.all(sockets.map((socket) => socket.close()));
  } finally {
    await server.stop();
  }
}

await main();
