import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import postgres from "postgres";

import { freePort } from "./ports";

/** Debian's PostgreSQL binaries, newest major version installed. */
function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(path.join(root, name, "bin", "initdb"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql");
  return path.join(root, newest, "bin");
}

/** PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user. */
function runAsOwner(binary: string, args: string[]): void {
  const program = path.join(binDir(), binary);
  const asRoot = process.getuid?.() === 0;
  execFileSync(asRoot ? "runuser" : program, asRoot ? ["-u", "postgres", "--", program, ...args] : args, {
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
}

function postgresUserIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export interface PostgresCluster {
  /** URL of the `postgres` superuser's maintenance database. */
  adminUrl: string;
  port: number;
  /** Stops the server, keeping its data (to simulate an outage). */
  stop(): void;
  /** Starts it again on the same port. */
  start(): void;
  destroy(): void;
}

/** initdb into a temporary directory and start a server on a free loopback port. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const root = mkdtempSync(path.join(tmpdir(), "pneumatic-pg-"));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUserIds();
    chownSync(root, uid, gid);
  }
  const data = path.join(root, "data");
  runAsOwner("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  // Durability is pointless for throw-away test data; speed is not.
  const serverOptions = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-k ${root}`,
    "-c max_connections=300",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
  ].join(" ");
  let running = false;
  const cluster: PostgresCluster = {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start() {
      runAsOwner("pg_ctl", ["-D", data, "-l", path.join(root, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"]);
      running = true;
    },
    stop() {
      if (!running) return;
      runAsOwner("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
      running = false;
    },
    destroy() {
      cluster.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}

/** A new, empty database on the cluster; returns its URL. */
export async function createDatabase(adminUrl: string): Promise<string> {
  const name = `pneumatic_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
