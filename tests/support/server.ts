import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

import { afterAll, inject } from "vitest";

import { freePort } from "./ports";
import { createDatabase } from "./postgres";

export interface TestServer {
  url: string;
  port: number;
  /** The server process, for reading its CPU time and memory from /proc. */
  pid: number;
  dataDir: string;
  env: Record<string, string | undefined>;
  /** The PostgreSQL database it uses, for starting another instance on it; undefined on SQLite. */
  databaseUrl: string | undefined;
  logs: string[];
  stop(): Promise<void>;
  /** SIGKILL: the process dies mid-work, as in a crash; its data directory is kept. */
  kill(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  /** What to run instead of the compiled server, e.g. `next start` or a standalone copy. */
  command?: ServerCommand;
}

export interface ServerCommand {
  program: string;
  args: string[];
  cwd?: string;
  /** For `next start`, which is told its port and says "Ready" instead of logging "listening". */
  port?: number;
}

/** What `npm start` runs: the compiled server, by plain node, with no TypeScript runner. */
export const COMPILED_SERVER: ServerCommand = { program: process.execPath, args: ["dist/server.mjs"] };

/** What `npm run dev` runs, without the file watcher. */
export const DEV_SERVER: ServerCommand = { program: process.execPath, args: ["--import", "tsx", "server.ts"] };

/**
 * The database a test server uses unless the test names one: a fresh PostgreSQL database when
 * the suite runs in the `postgres` project, otherwise (and outside vitest: benchmarks) SQLite
 * in the server's DATA_DIR.
 */
async function defaultDatabaseUrl(): Promise<string | undefined> {
  if (!process.env.VITEST) return undefined;
  return inject("dialect") === "postgres" ? createDatabase(inject("postgresAdminUrl")) : undefined;
}

/**
 * Data directories made here and not yet removed. A test may kill a server and start another on
 * its data, so a killed server's directory goes only once its test file is done (or, outside
 * the test runner, when the process exits).
 */
const madeDataDirs = new Set<string>();
function removeMadeDataDirs(): void {
  for (const dir of madeDataDirs) rmSync(dir, { recursive: true, force: true });
  madeDataDirs.clear();
}
if (process.env.VITEST) afterAll(removeMadeDataDirs);
else process.once("exit", removeMadeDataDirs);

function removeMadeDataDir(dir: string): void {
  if (!madeDataDirs.delete(dir)) return;
  rmSync(dir, { recursive: true, force: true });
}

/** Starts the compiled server (or `options.command`) in production mode on a free loopback port with its own database. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "pneumatic-test-"));
  if (!options.dataDir) madeDataDirs.add(dataDir);
  const databaseUrl = options.env?.DATABASE_URL ?? (await defaultDatabaseUrl());
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString("hex"),
    NEXT_TELEMETRY_DISABLED: "1",
    // Suites about other features send many requests from one address; the rate-limit
    // suites set their own limits.
    RATE_LIMIT_API_REQUESTS: "100000",
    RATE_LIMIT_WS_MESSAGES: "100000",
    RATE_LIMIT_ACTION_REQUESTS: "100000",
    RATE_LIMIT_SIGNUPS: "100000",
    LOGIN_FAILURES_PER_ADDRESS: "100000",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const command = options.command ?? COMPILED_SERVER;
  const child = spawn(command.program, command.args, {
    cwd: command.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  let port: number;
  try {
    port = await waitForListening(child, logs, command.port);
  } catch (error) {
    // A server that never came up (start-up checks are tested too) leaves nothing behind.
    await stopProcess(child, "SIGKILL");
    removeMadeDataDir(dataDir);
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    pid: child.pid!,
    dataDir,
    env,
    databaseUrl,
    logs,
    async stop() {
      await stopProcess(child);
      removeMadeDataDir(dataDir);
    },
    kill: () => stopProcess(child, "SIGKILL"),
  };
}

export const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");

/** The Vercel-style path: Next's own server (`next start`), no server.ts, no WebSocket server. */
export async function startNextServer(options: Omit<StartOptions, "command"> = {}): Promise<TestServer> {
  const port = await freePort();
  const command: ServerCommand = { program: process.execPath, args: [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], port };
  return startServer({ ...options, command, env: { PORT: String(port), ...options.env } });
}

/** Resolves with the port once the server logs that it listens; every output line goes to `logs`. */
export function waitForListening(child: ChildProcess, logs: string[], knownPort?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join("\n")}`)), 60_000);
    let listening = false;
    const onLine = (line: string) => {
      logs.push(line);
      // Past start-up a line is only kept: parsing each request's log line took CPU from the
      // server the benchmarks measure, on the same two cores.
      if (listening) return;
      if (knownPort && /\bReady in\b/.test(line)) {
        listening = true;
        clearTimeout(timer);
        resolve(knownPort);
      }
      if (!line.startsWith("{")) return;
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === "listening" && entry.port) {
          listening = true;
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // Not every line Next prints is JSON.
      }
    };
    createInterface({ input: child.stdout! }).on("line", onLine);
    createInterface({ input: child.stderr! }).on("line", onLine);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join("\n")}`));
    });
  });
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
