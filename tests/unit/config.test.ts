import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { ConfigError, loadConfig } from "@/lib/config";

const tempDir = () => mkdtempSync(path.join(tmpdir(), "pneumatic-config-"));

describe("configuration", () => {
  it("defaults to port 8000 and an SQLite file in the data directory", () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(8000);
    expect(config.database).toEqual({ dialect: "sqlite", file: path.join(dataDir, "pneumatic.db") });
  });

  it("generates a development secret once and keeps it beside the database", () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(second.secretKey).toBe(first.secretKey);
    const file = path.join(dataDir, "secret_key");
    expect(readFileSync(file, "utf8")).toBe(first.secretKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("requires a secret in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production", DATA_DIR: tempDir() })).toThrow(ConfigError);
  });

  it("selects PostgreSQL from a postgres URL", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u:p@localhost:5432/chat", SECRET_KEY: "s".repeat(32) });
    expect(config.database).toMatchObject({ dialect: "postgres", url: "postgres://u:p@localhost:5432/chat" });
  });

  it("reads the PostgreSQL pool size and timeouts, with defaults", () => {
    const url = "postgres://u:p@localhost:5432/chat";
    expect(loadConfig({ DATABASE_URL: url, SECRET_KEY: "s".repeat(32) }).database).toEqual({
      dialect: "postgres",
      url,
      poolMax: 10,
      statementTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
    });
    const tuned = loadConfig({
      DATABASE_URL: url,
      SECRET_KEY: "s".repeat(32),
      DATABASE_POOL_MAX: "25",
      DATABASE_STATEMENT_TIMEOUT_MS: "2000",
      DATABASE_CONNECT_TIMEOUT_MS: "1500",
    });
    expect(tuned.database).toMatchObject({ poolMax: 25, statementTimeoutMs: 2000, connectTimeoutMs: 1500 });
  });

  it("refuses a pool size of zero, naming the variable", () => {
    expect(() =>
      loadConfig({ DATABASE_URL: "postgres://localhost/chat", SECRET_KEY: "s".repeat(32), DATABASE_POOL_MAX: "0" }),
    ).toThrow(/DATABASE_POOL_MAX/);
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://nope", SECRET_KEY: "s".repeat(32) })).toThrow(/DATABASE_URL/);
  });
});
