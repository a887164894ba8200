import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser } from "../support/api";
import { freePort } from "../support/ports";
import { waitForListening } from "../support/server";
import { TestSocket } from "../support/ws";

/** What an operator has after `npm run build`: the project, its build, and a .env beside them. */
let appDir: string;
let envPort: number;

beforeAll(async () => {
  appDir = mkdtempSync(path.join(tmpdir(), "pneumatic-npm-start-"));
  for (const entry of ["package.json", "node_modules", ".next", "dist", "drizzle"]) {
    symlinkSync(path.resolve(entry), path.join(appDir, entry));
  }
  envPort = await freePort();
  writeFileSync(
    path.join(appDir, ".env"),
    [
      `PORT=${envPort}`,
      "HOST=127.0.0.1",
      `SECRET_KEY=${randomBytes(32).toString("hex")}`,
      `DATA_DIR=${path.join(appDir, "data")}`,
      "RATE_LIMIT_API_REQUESTS=100000",
    ].join("\n"),
  );
});
afterAll(() => rmSync(appDir, { recursive: true, force: true }));

/** An operator's shell: none of what .env sets, not even NODE_ENV (the start script sets it). */
const shell = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NEXT_TELEMETRY_DISABLED: "1" };

function npmStart() {
  const child: ChildProcess = spawn("npm", ["start"], {
    cwd: appDir,
    env: shell as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  return { child, logs, listening: waitForListening(child, logs) };
}

describe("npm start", () => {
  it("reads PORT and SECRET_KEY from .env, as Next does", async () => {
    const { child, listening } = npmStart();
    expect(await listening).toBe(envPort);
    const health = await fetch(`http://127.0.0.1:${envPort}/health`);
    expect(health.status).toBe(200);
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  });

  it("drains on SIGTERM to the process it started: WebSockets get 1001 and nothing keeps serving", async () => {
    const { child, listening } = npmStart();
    const url = `http://127.0.0.1:${await listening}`;
    const [alice, bob] = await Promise.all([createUser(url), createUser(url)]);
    await createConversation(url, alice, [bob]);
    const socket = await TestSocket.open(url, { token: bob.token });

    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect((await socket.waitForClose()).code).toBe(1001);
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
