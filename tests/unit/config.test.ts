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

  it("refuses an empty PORT rather than listening on a random port", () => {
    expect(() => loadConfig({ SECRET_KEY: "s".repeat(32), PORT: "" })).toThrow(/PORT: must be a port number/);
    expect(() => loadConfig({ SECRET_KEY: "s".repeat(32), PORT: "70000" })).toThrow(/PORT/);
    expect(loadConfig({ SECRET_KEY: "s".repeat(32), DATA_DIR: tempDir(), PORT: "0" }).port).toBe(0);
  });

  it("refuses WebSocket origins that a browser could never send, naming the variable", () => {
    for (const value of ["not an origin", "https://chat.example.com/"]) {
      expect(() => loadConfig({ SECRET_KEY: "s".repeat(32), WS_ALLOWED_ORIGINS: value })).toThrow(/WS_ALLOWED_ORIGINS/);
    }
  });

  it("refuses a NEXTAUTH_URL that is not an http(s) URL, naming it", () => {
    expect(() => loadConfig({ SECRET_KEY: "s".repeat(32), NEXTAUTH_URL: "not a url" })).toThrow(/NEXTAUTH_URL/);
    expect(() => loadConfig({ SECRET_KEY: "s".repeat(32), DATA_DIR: tempDir(), NEXTAUTH_URL: "https://chat.example.com" })).not.toThrow();
  });

  it("names the variable that is wrong", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://nope", SECRET_KEY: "s".repeat(32) })).toThrow(/DATABASE_URL/);
  });
});

describe("operations configuration", () => {
  const secret = { SECRET_KEY: "s".repeat(32) };

  it("works with no operations variables: in-memory limits, no CORS, no tracing", () => {
    const config = loadConfig({ ...secret, DATA_DIR: tempDir() });
    expect(config.logLevel).toBe("info");
    expect(config.rateLimit).toEqual({
      api: { limit: 300, windowSeconds: 60 },
      ws: { limit: 300, windowSeconds: 60 },
      action: { limit: 120, windowSeconds: 60 },
      signup: { limit: 10, windowSeconds: 3600 },
      login: { failuresPerAddress: 20, maxLockSeconds: 900 },
      upstash: null,
    });
    expect(config.trustProxy).toEqual({ hops: 0 });
    expect(config.corsOrigins).toEqual([]);
    expect(config.tracing).toBeNull();
  });

  it("reads limits, origins, Upstash and the OTLP endpoint", () => {
    const config = loadConfig({
      ...secret,
      RATE_LIMIT_API_REQUESTS: "10",
      RATE_LIMIT_API_WINDOW_SECONDS: "5",
      CORS_ORIGINS: "https://a.example, http://localhost:3000",
      UPSTASH_REDIS_REST_URL: "https://eu1.upstash.example",
      UPSTASH_REDIS_REST_TOKEN: "t0ken",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
    });
    expect(config.rateLimit.api).toEqual({ limit: 10, windowSeconds: 5 });
    expect(config.rateLimit.upstash).toEqual({ url: "https://eu1.upstash.example", token: "t0ken" });
    expect(config.corsOrigins).toEqual(["https://a.example", "http://localhost:3000"]);
    expect(config.tracing).toEqual({ endpoint: "http://collector:4318", serviceName: "pneumatic-chat" });
  });

  it.each([
    ["false", { hops: 0 }],
    ["true", { hops: 1 }],
    ["2", { hops: 2 }],
    ["10.0.0.0/8, loopback", { addresses: ["10.0.0.0/8", "loopback"] }],
  ])("reads TRUST_PROXY=%j as %j", (value, trustProxy) => {
    expect(loadConfig({ ...secret, TRUST_PROXY: value }).trustProxy).toEqual(trustProxy);
  });

  it.each([
    ["RATE_LIMIT_API_REQUESTS", "0"],
    ["RATE_LIMIT_WS_WINDOW_SECONDS", "soon"],
    ["LOG_LEVEL", "chatty"],
    ["CORS_ORIGINS", "https://a.example/path"],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"],
    ["UPSTASH_REDIS_REST_URL", "redis://localhost:6379"],
    ["TRUST_PROXY", "maybe"],
    ["TRUST_PROXY", "10.0.0.0/33"],
    ["LOGIN_LOCKOUT_MAX_SECONDS", "0"],
  ])("names %s when its value %j is invalid", (name, value) => {
    expect(() => loadConfig({ ...secret, [name]: value })).toThrow(new RegExp(name));
  });

  it("requires the Upstash token together with the URL", () => {
    expect(() => loadConfig({ ...secret, UPSTASH_REDIS_REST_URL: "https://eu1.upstash.example" })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN/,
    );
  });
});
