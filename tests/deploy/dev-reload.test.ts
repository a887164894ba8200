import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createUser } from "../support/api";
import { freePort } from "../support/ports";
import { copyProject } from "../support/project-copy";
import { waitForListening } from "../support/server";
import { TestSocket } from "../support/ws";

/** `npm run dev` in a copy of the project, so that the test can edit its sources. */
let project: string;
let child: ChildProcess;
const logs: string[] = [];
let url: string;

beforeAll(async () => {
  project = copyProject("pneumatic-dev-");
  const port = await freePort();
  child = spawn("npm", ["run", "dev"], {
    cwd: project,
    detached: true,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "development", PORT: String(port), HOST: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  url = `http://127.0.0.1:${await waitForListening(child, logs)}`;
}, 120_000);

afterAll(() => {
  // npm, its shell, tsx's watcher and the server: the whole process group.
  if (child.pid) process.kill(-child.pid, "SIGTERM");
  rmSync(project, { recursive: true, force: true });
});

function listeningLines(): number {
  return logs.filter((line) => line.includes('"msg":"listening"')).length;
}

describe("npm run dev", () => {
  it("reloads the WebSocket side when its code changes, as Next reloads route handlers", async () => {
    const alice = await createUser(url);
    const before = await TestSocket.open(url, { token: alice.token });
    await expect.poll(() => logs.some((line) => line.includes('"msg":"ws connected"'))).toBe(true);
    before.socket.terminate();

    const file = path.join(project, "lib/realtime/ws-server.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace('"ws connected"', '"ws connected (edited)"'));
    await expect.poll(listeningLines, { timeout: 60_000 }).toBe(2);

    const socket = await TestSocket.open(url, { token: alice.token });
    await expect.poll(() => logs.some((line) => line.includes('"msg":"ws connected (edited)"'))).toBe(true);
    socket.socket.terminate();
  }, 180_000);
});
