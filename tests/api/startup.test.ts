import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { api } from "../support/api";
import { COMPILED_SERVER, startServer } from "../support/server";

function startExpectingFailure(env: Record<string, string>) {
  return spawnSync(COMPILED_SERVER.program, COMPILED_SERVER.args, {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DATA_DIR: mkdtempSync(path.join(tmpdir(), "pneumatic-bad-")), ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("start-up", () => {
  it("refuses to start in production without SECRET_KEY, saying why", () => {
    const result = startExpectingFailure({});
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SECRET_KEY is required in production/);
  });

  it("refuses a SECRET_KEY shorter than 32 characters", () => {
    const result = startExpectingFailure({ SECRET_KEY: "too-short" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SECRET_KEY: must be at least 32 characters/);
  });

  it("refuses a malformed PORT, naming it", () => {
    const result = startExpectingFailure({ SECRET_KEY: "k".repeat(40), PORT: "eighty" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT/);
  });

  it("exits with an error naming HOST and PORT when it cannot listen there", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    const result = startExpectingFailure({ SECRET_KEY: "k".repeat(40), PORT: String(port) });
    taken.close();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`Cannot listen on HOST=127.0.0.1 PORT=${port}`));
  });

  it("creates and migrates its SQLite database on first start, and keeps data across restarts", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "pneumatic-fresh-"));
    const first = await startServer({ dataDir });
    expect(existsSync(path.join(dataDir, "pneumatic.db"))).toBe(true);
    const signup = await api(first.url, "POST", "/auth/signup", { json: { username: "persistent", password: "a long password" } });
    expect(signup.status).toBe(201);
    await first.stop();

    const second = await startServer({ dataDir, env: { SECRET_KEY: first.env.SECRET_KEY! } });
    const login = await api(second.url, "POST", "/auth/login", { json: { username: "persistent", password: "a long password" } });
    expect(login.status).toBe(200);
    await second.stop();
  });
});
