/**
 * Measurement of the hot paths, shared by bench/hot-paths.ts and bench/scale-out.ts. Each
 * workload runs on every target in turn, round after round, and the medians are printed with
 * the ratios to the last target. Also the servers' CPU per message or request, from /proc.
 *
 * - footprint: spawn -> /health, idle RSS, and RSS per extra idle WebSocket (past the first 1000)
 * - fan-out: 20 groups x 20 members, one WebSocket each (400), one closed-loop sender per group
 * - POST /messages and GET /conversations/{id}/messages?limit=50, 16 keep-alive clients
 * - pairs: 200 1-on-1 pairs at 1000 msg/s in total, open loop: kept up (no backlog) and p99 latency
 *
 * BENCH_ROUNDS (3) and BENCH_SECONDS (3, per measurement window) bound a run. BENCH_ONLY=fan-out
 * (or POST, GET, pairs, footprint) runs one workload; BENCH_CPU_PROF=<dir> runs the product under
 * `node --cpu-prof`, writing its profiles there (see bench/cpu-profile-summary.ts);
 * BENCH_POINTS=1 prints the footprint's RSS readings the slope is drawn through. Needs a
 * production build (`npm run bench` builds first). Talks only to 127.0.0.1.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { buildSync } from "esbuild";
import WebSocket from "ws";

import { createUser } from "../tests/support/api";
import { startServer, type TestServer } from "../tests/support/server";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WINDOW_MS = Number(process.env.BENCH_SECONDS ?? 3) * 1000;
const GROUPS = 20;
const GROUP_SIZE = 20;
const HTTP_CLIENTS = 16;
const PAIR_RATE = 1000;
const IDLE_SOCKETS = 1000;
/** After the first IDLE_SOCKETS, the footprint reads the RSS after each of these batches. */
const SOCKET_STEPS = 8;
const SOCKETS_PER_STEP = 250;
const SETTLE_MS = 1500;
const HERTZ = 100;
const ONLY = process.env.BENCH_ONLY;
const PROFILE_DIR = process.env.BENCH_CPU_PROF;

interface Account {
  id: string;
  token: string;
}

/**
 * What is measured: one server, or several instances on one database (`instances`), with its
 * accounts, conversations and one open WebSocket per account. Sockets and HTTP clients are
 * spread over the instances in turn.
 */
export interface Target {
  name: string;
  instances: number;
  start(): Promise<TestServer>;
  /** Another instance on the first one's database, with its signing key. */
  startAnother(first: TestServer): Promise<TestServer>;
  account(server: TestServer): Promise<Account>;
  servers: TestServer[];
  accounts: Account[];
  sockets: WebSocket[];
  groups: string[];
  pairs: string[];
  onFrame: (index: number, text: string) => void;
}

export type Figures = Record<string, number>;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const median = (values: number[]) => percentile(values, 50);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) the process has used. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / HERTZ;
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((entry) => entry.startsWith("VmRSS:"));
  return Number(/(\d+)/.exec(line ?? "")?.[1]) / 1024;
}

const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CLIENTS });

/** A request reset on a socket the agent kept alive from an earlier request. */
class ResetOnReuse extends Error {}

/**
 * One request through the keep-alive agent. A request sent on a kept-alive socket just as the
 * server closed it (its keep-alive timeout) is reset before the server has read it: Node's
 * documentation of `request.reusedSocket` calls for sending it again, which is said on stderr
 * so that a reset from anything else still shows.
 */
async function call(url: string, method: string, pathname: string, token: string, body?: unknown): Promise<{ status: number; text: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(url, method, pathname, token, body);
    } catch (error) {
      if (!(error instanceof ResetOnReuse) || attempt === 3) throw error;
      console.error(`${method} ${url}${pathname}: reset on a reused keep-alive socket, sent again`);
    }
  }
}

function callOnce(url: string, method: string, pathname: string, token: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (payload !== undefined) headers["content-type"] = "application/json";
    const outgoing = request(`${url}${pathname}`, { method, agent, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) =>
      reject(outgoing.reusedSocket && error.code === "ECONNRESET" ? new ResetOnReuse(error.message, { cause: error }) : error),
    );
    outgoing.end(payload);
  });
}

/** The instance the n-th socket or HTTP client talks to. */
function urlFor(target: Target, n: number): string {
  return target.servers[n % target.servers.length]!.url;
}

async function conversation(target: Target, owner: Account, others: Account[]): Promise<string> {
  const { status, text } = await call(target.servers[0]!.url, "POST", "/conversations", owner.token, { member_ids: others.map((other) => other.id) });
  if (status !== 201 && status !== 200) throw new Error(`${target.name}: POST /conversations answered ${status} ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

function openSocket(url: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/ws?token=${encodeURIComponent(token)}`);
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

async function inBatches<T>(count: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let i = 0; i < count; i += HTTP_CLIENTS) {
    made.push(...(await Promise.all(Array.from({ length: Math.min(HTTP_CLIENTS, count - i) }, (_, j) => make(i + j)))));
  }
  return made;
}

async function prepare(target: Target): Promise<void> {
  const first = await target.start();
  target.servers.push(first);
  while (target.servers.length < target.instances) target.servers.push(await target.startAnother(first));
  target.accounts = await inBatches(GROUPS * GROUP_SIZE, () => target.account(first));
  for (let g = 0; g < GROUPS; g++) {
    const [owner, ...others] = target.accounts.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE) as [Account, ...Account[]];
    target.groups.push(await conversation(target, owner, others));
  }
  for (let p = 0; p < target.accounts.length / 2; p++) {
    target.pairs.push(await conversation(target, target.accounts[2 * p]!, [target.accounts[2 * p + 1]!]));
  }
  // History to page through: 50 messages in each conversation the HTTP clients read.
  await inBatches(HTTP_CLIENTS, async (c) => {
    for (let i = 0; i < 50; i++) await postMessage(target, c);
  });
  // Shifted by one instance per group, so that senders (the first of each group, the even
  // account of each pair) and receivers are spread over the instances.
  target.sockets = await inBatches(target.accounts.length, (i) => openSocket(urlFor(target, i + Math.floor(i / GROUP_SIZE)), target.accounts[i]!.token));
  target.sockets.forEach((socket, index) => socket.on("message", (data) => target.onFrame(index, String(data))));
  await sleep(1000);
}

async function postMessage(target: Target, client: number): Promise<void> {
  const { status, text } = await call(urlFor(target, client), "POST", "/messages", target.accounts[2 * client]!.token, {
    message_id: randomUUID(),
    conversation_id: target.pairs[client],
    content: "a message of about the length people type",
  });
  if (status !== 201) throw new Error(`${target.name}: POST /messages answered ${status} ${text}`);
}

/** Measurement windows on the monotonic clock CPU profiles use, for bench/cpu-profile-summary.ts to cut them out. */
const profiledWindows: { target: string; workload: string; pid: number; startUs: number; endUs: number }[] = [];
let currentWorkload = "";
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Runs `work` for one window and gives the CPU milliseconds it took the target's instances. */
async function window(target: Target, work: (until: number) => Promise<number>): Promise<{ count: number; cpuMs: number }> {
  const cpu = () => target.servers.reduce((sum, server) => sum + cpuSeconds(server.pid), 0);
  const cpuBefore = cpu();
  const startUs = monotonicUs();
  const count = await work(performance.now() + WINDOW_MS);
  const endUs = monotonicUs();
  for (const { pid } of target.servers) profiledWindows.push({ target: target.name, workload: currentWorkload, pid, startUs, endUs });
  return { count, cpuMs: (cpu() - cpuBefore) * 1000 };
}

export async function fanOut(target: Target): Promise<Figures> {
  let counting = false;
  let delivered = 0;
  let stored = 0;
  let running = true;
  const senders = new Map(target.groups.map((id, g) => [g * GROUP_SIZE, id]));
  const sendNext = (index: number) => {
    if (running) target.sockets[index]!.send(JSON.stringify({ type: "message", message_id: randomUUID(), conversation_id: senders.get(index), content: "fan-out" }));
  };
  target.onFrame = (index, text) => {
    if (!text.startsWith('{"type":"message"')) return;
    if (counting) delivered++;
    if (senders.has(index)) {
      if (counting) stored++;
      sendNext(index);
    }
  };
  for (const index of senders.keys()) sendNext(index);
  await sleep(500);
  const { cpuMs } = await window(target, async (until) => {
    counting = true;
    await sleep(until - performance.now());
    counting = false;
    return stored;
  });
  running = false;
  await sleep(300);
  const seconds = WINDOW_MS / 1000;
  return { "fan-out msgs/s": stored / seconds, "fan-out deliveries/s": delivered / seconds, "fan-out CPU ms/msg": cpuMs / stored };
}

async function closedLoopHttp(target: Target, one: (client: number) => Promise<void>): Promise<{ count: number; cpuMs: number }> {
  return window(target, async (until) => {
    let count = 0;
    await Promise.all(
      Array.from({ length: HTTP_CLIENTS }, async (_, client) => {
        while (performance.now() < until) {
          await one(client);
          count++;
        }
      }),
    );
    return count;
  });
}

export async function posts(target: Target): Promise<Figures> {
  target.onFrame = () => undefined;
  const { count, cpuMs } = await closedLoopHttp(target, (client) => postMessage(target, client));
  return { "POST /messages req/s": count / (WINDOW_MS / 1000), "POST CPU ms/req": cpuMs / count };
}

export async function history(target: Target): Promise<Figures> {
  target.onFrame = () => undefined;
  const { count, cpuMs } = await closedLoopHttp(target, async (client) => {
    const { status, text } = await call(urlFor(target, client), "GET", `/conversations/${target.pairs[client]}/messages?limit=50`, target.accounts[2 * client]!.token);
    if (status !== 200) throw new Error(`${target.name}: GET messages answered ${status} ${text}`);
  });
  return { "GET messages req/s": count / (WINDOW_MS / 1000), "GET CPU ms/req": cpuMs / count };
}

export async function pairs(target: Target): Promise<Figures> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  target.onFrame = (index, text) => {
    if (index % 2 === 0 || !text.startsWith('{"type":"message"')) return;
    const id = /"message_id":"([^"]+)"/.exec(text)?.[1] ?? "";
    const started = sentAt.get(id);
    if (started === undefined) return;
    sentAt.delete(id);
    latencies.push(performance.now() - started);
  };
  const { count, cpuMs } = await window(target, async (until) => {
    const started = performance.now();
    let sent = 0;
    while (performance.now() < until) {
      const due = Math.floor(((performance.now() - started) / 1000) * PAIR_RATE);
      for (; sent < due; sent++) {
        const pair = sent % target.pairs.length;
        const messageId = randomUUID();
        sentAt.set(messageId, performance.now());
        target.sockets[2 * pair]!.send(JSON.stringify({ type: "message", message_id: messageId, conversation_id: target.pairs[pair], content: "a 1-on-1 message" }));
      }
      await sleep(5);
    }
    return sent;
  });
  // Kept up: everything sent in the window has arrived within a second of its end.
  const deadline = performance.now() + 1000;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(20);
  const keptUp = sentAt.size === 0;
  const backlog = sentAt.size;
  while (sentAt.size > 0 && performance.now() < deadline + 15_000) await sleep(50);
  return {
    "1000 msg/s kept up": keptUp ? 1 : 0,
    "1000 msg/s delivered/s": (count - backlog) / (WINDOW_MS / 1000),
    "1000 msg/s p99 ms": percentile(latencies, 99),
    "1000 msg/s CPU ms/msg": cpuMs / count,
  };
}

/**
 * The inspector of a running server, which SIGUSR1 opens in any Node process without a flag:
 * the server runs as `npm start` runs it. Node says on stderr where it listens (the default
 * port) or that it could not.
 */
async function openInspector(server: TestServer): Promise<WebSocket> {
  const seen = server.logs.length;
  process.kill(server.pid, "SIGUSR1");
  for (const deadline = performance.now() + 5000; performance.now() < deadline; await sleep(20)) {
    for (const line of server.logs.slice(seen)) {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1];
      if (url) {
        const inspector = new WebSocket(url);
        return new Promise((resolve, reject) => {
          inspector.once("open", () => resolve(inspector));
          inspector.once("error", reject);
        });
      }
      if (line.includes("Starting inspector") && line.includes("failed")) throw new Error(`the server's inspector did not open: ${line}`);
    }
  }
  throw new Error("the server's inspector did not open within 5 s");
}

let inspectorRequests = 0;

/** A full garbage collection in the server, as V8 makes when a process goes idle, so that its RSS holds no garbage. */
function collectGarbage(inspector: WebSocket): Promise<void> {
  const id = ++inspectorRequests;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      if ((JSON.parse(String(data)) as { id?: number }).id !== id) return;
      inspector.off("message", onMessage);
      resolve();
    };
    inspector.on("message", onMessage);
    inspector.send(JSON.stringify({ id, method: "HeapProfiler.collectGarbage" }));
  });
}

/** Least-squares slope of y over x. */
function slope(points: [x: number, y: number][]): number {
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return covariance / variance;
}

/**
 * What an instance costs: start-up, idle RSS, and the RSS each further idle WebSocket holds.
 * The first sockets on a fresh instance also pay for the heap growing to carry connection
 * bursts at all (young generation, garbage promoted before the first full collection), which
 * is no socket's; that figure, the RSS growth 1.5 s after the first IDLE_SOCKETS, is printed
 * as it was measured before. The figure per extra socket is the slope of the RSS through
 * several more batches, each read once settled: after a full garbage collection, so that it
 * counts what the sockets hold, not how much garbage the last connection burst left awaiting
 * collection (without one, the slope swung between about 2 and 8 KiB from one reading to the
 * next on the durable limit, with when V8 happened to collect). The limit is measured alike.
 */
export async function footprint(target: Target): Promise<Figures> {
  const spawned = performance.now();
  const server = await target.start();
  const sockets: WebSocket[] = [];
  let inspector: WebSocket | undefined;
  try {
    for (;;) {
      const response = await fetch(`${server.url}/health`).catch(() => null);
      if (response?.status === 200) break;
      await sleep(10);
    }
    const startup = performance.now() - spawned;
    const account = await target.account(server);
    await sleep(1000);
    const idle = rssMiB(server.pid);
    const open = async (count: number) => {
      sockets.push(...(await inBatches(count, () => openSocket(server.url, account.token))));
    };
    await open(IDLE_SOCKETS);
    await sleep(SETTLE_MS);
    const first = rssMiB(server.pid);
    inspector = await openInspector(server);
    const settled = async (): Promise<[number, number]> => {
      await collectGarbage(inspector!);
      await sleep(SETTLE_MS);
      return [sockets.length, rssMiB(server.pid)];
    };
    const points = [await settled()];
    for (let step = 0; step < SOCKET_STEPS; step++) {
      await open(SOCKETS_PER_STEP);
      points.push(await settled());
    }
    if (process.env.BENCH_POINTS) console.log(`${target.name}: ${points.map(([n, rss]) => `${n}:${rss.toFixed(1)}`).join(" ")} idle ${idle.toFixed(1)}`);
    return {
      "spawn -> /health ms": startup,
      "idle RSS MiB": idle,
      [`KiB per WebSocket, first ${IDLE_SOCKETS}`]: ((first - idle) * 1024) / IDLE_SOCKETS,
      "KiB per extra idle WebSocket": slope(points) * 1024,
    };
  } finally {
    inspector?.terminate();
    for (const socket of sockets) socket.terminate();
    await server.stop();
  }
}

/** The compiled server, on SQLite or on the PostgreSQL database `databaseUrl` gives, as `instances` instances. */
export function productTarget(name: string, databaseUrl: () => Promise<string | undefined>, instances = 1): Target {
  const command = PROFILE_DIR ? { program: process.execPath, args: ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`, "dist/server.mjs"] } : undefined;
  return {
    name,
    instances,
    async start() {
      const url = await databaseUrl();
      return startServer({ env: url ? { DATABASE_URL: url } : {}, command });
    },
    startAnother: (first) => startServer({ env: { DATABASE_URL: first.databaseUrl!, SECRET_KEY: first.env.SECRET_KEY! }, command }),
    async account(server) {
      const user = await createUser(server.url, "bench");
      return { id: user.id, token: user.token };
    },
    ...blank(),
  };
}

function blank(): Pick<Target, "servers" | "accounts" | "sockets" | "groups" | "pairs" | "onFrame"> {
  return { servers: [], accounts: [], sockets: [], groups: [], pairs: [], onFrame: () => undefined };
}

/** bench/durable-limit.ts, compiled as the product is, and run by plain node. */
export function limitTarget(): Target {
  // Beside the compiled server, where its packages resolve.
  const outfile = path.resolve("dist/durable-limit.mjs");
  buildSync({ entryPoints: ["bench/durable-limit.ts"], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "warning" });
  return {
    name: "durable limit",
    instances: 1,
    start: () => startServer({ command: { program: process.execPath, args: [outfile] } }),
    startAnother: () => Promise.reject(new Error("the durable limit runs as one instance")),
    async account() {
      const id = randomUUID();
      return { id, token: id };
    },
    ...blank(),
  };
}

export type Workload = [name: string, run: (target: Target) => Promise<Figures>];

export const WORKLOADS: Workload[] = [
  ["footprint", footprint],
  ["fan-out", fanOut],
  ["POST", posts],
  ["GET", history],
  ["pairs", pairs],
];

/** Lower is better for these figures. */
const COSTS = / ms\b|MiB|KiB/;

/**
 * Medians over the rounds, and each target's ratio to the last one, the reference, followed by
 * the lowest and highest ratio of a single round: a round measures every target within a few
 * seconds of each other, so its ratio shows how far the machine's own drift moves the figure.
 */
function report(targets: Target[], results: Map<string, Figures[]>): void {
  const reference = targets.at(-1)!;
  const names = Object.keys(results.get(reference.name)![0] ?? {});
  const others = targets.slice(0, -1);
  const header = ["figure (median of rounds)", ...targets.map((target) => target.name), ...others.map((target) => `${target.name} / ${reference.name}`)];
  const rows = names.map((name) => {
    const values = targets.map((target) => results.get(target.name)!.map((figures) => figures[name]!));
    if (name.includes("kept up")) {
      return [name, ...values.map((rounds) => `${rounds.filter(Boolean).length} of ${rounds.length}`), ...others.map(() => "")];
    }
    const ratio = (value: number, referenceValue: number) => (COSTS.test(name) ? referenceValue / value : value / referenceValue);
    const medians = values.map(median);
    const show = (value: number) => (value >= 100 ? Math.round(value).toString() : value.toFixed(2));
    const ratios = values.slice(0, -1).map((rounds, index) => {
      const byRound = rounds.map((value, round) => ratio(value, values.at(-1)![round]!));
      return `${ratio(medians[index]!, medians.at(-1)!).toFixed(2)} (${Math.min(...byRound).toFixed(2)}–${Math.max(...byRound).toFixed(2)})`;
    });
    return [name, ...medians.map(show), ...ratios];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  "));
  console.log(`(ratios: x / ${reference.name} for rates, ${reference.name} / x for costs, of the medians, then in brackets the lowest and highest of one round's; 1.00 = as good as ${reference.name})`);
}

/**
 * Prepares every target, then runs the workloads round after round, each workload on every
 * target in turn (the order rotating per round), and prints the medians with the ratios.
 */
export async function compare(targets: Target[], workloads: Workload[]): Promise<void> {
  const results = new Map<string, Figures[]>(targets.map((target) => [target.name, []]));
  try {
    for (const target of targets) {
      const started = performance.now();
      await prepare(target);
      console.log(`${target.name}: ${target.accounts.length} accounts, ${target.groups.length} groups, ${target.pairs.length} pairs, ${target.sockets.length} sockets ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = [...targets.slice(round % targets.length), ...targets.slice(0, round % targets.length)];
      const figures = new Map<string, Figures>(targets.map((target) => [target.name, {}]));
      for (const [name, workload] of workloads.filter(([name]) => !ONLY || name === ONLY)) {
        currentWorkload = name;
        for (const target of order) Object.assign(figures.get(target.name)!, await workload(target));
      }
      for (const target of targets) results.get(target.name)!.push(figures.get(target.name)!);
      console.log(`round ${round + 1} done (${order.map((target) => target.name).join(", ")})`);
    }
    report(targets, results);
    if (PROFILE_DIR) {
      // Node makes the directory only when a profiled server exits, which comes after this.
      mkdirSync(PROFILE_DIR, { recursive: true });
      writeFileSync(path.join(PROFILE_DIR, "windows.json"), JSON.stringify(profiledWindows));
    }
  } finally {
    for (const target of targets) {
      for (const socket of target.sockets) socket.terminate();
      for (const server of target.servers) await server.stop();
    }
    agent.destroy();
  }
}

export const settings = { rounds: ROUNDS, windowSeconds: WINDOW_MS / 1000 };
