import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

import { processSingleton } from "@/lib/process-singleton";

const MIN_SECRET_LENGTH = 32;

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const originList = z
  .string()
  .transform((value) => value.split(",").map((origin) => origin.trim()).filter(Boolean))
  .refine((origins) => origins.every((origin) => origin === "*" || isOrigin(origin)), {
    message: "must be * or a comma-separated list of origins such as https://chat.example.com",
  });

/** proxy-addr's names for address ranges, usable in TRUST_PROXY like addresses. */
const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(value: string): boolean {
  if (PROXY_RANGE_NAMES.has(value)) return true;
  const [address, bits, ...rest] = value.split("/");
  if (rest.length > 0 || !address || !isIP(address)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
}

/**
 * Which proxies in front may be believed about the client's address: a number of hops counted
 * from the right of X-Forwarded-For, or the proxies' own addresses. "true" means the one proxy
 * the app was deployed behind, never "believe the whole header".
 */
const trustProxySchema = z
  .string()
  .trim()
  .default("false")
  .transform((value, context): TrustProxy => {
    if (value === "false" || value === "") return { hops: 0 };
    if (value === "true") return { hops: 1 };
    if (/^\d{1,2}$/.test(value)) return { hops: Number(value) };
    const addresses = value.split(",").map((entry) => entry.trim()).filter(Boolean);
    if (addresses.length > 0 && addresses.every(isProxyAddress)) return { addresses };
    context.addIssue({
      code: "custom",
      message: "must be false, true, a number of hops, or a comma-separated list of proxy addresses or CIDRs",
    });
    return z.NEVER;
  });

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** Logging, rate limiting, CORS and tracing (see .env.example). */
const operationsEnv = {
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  TRUST_PROXY: trustProxySchema,
  RATE_LIMIT_API_REQUESTS: positiveInt(300),
  RATE_LIMIT_API_WINDOW_SECONDS: positiveInt(60),
  RATE_LIMIT_WS_MESSAGES: positiveInt(300),
  RATE_LIMIT_WS_WINDOW_SECONDS: positiveInt(60),
  RATE_LIMIT_ACTION_REQUESTS: positiveInt(120),
  RATE_LIMIT_ACTION_WINDOW_SECONDS: positiveInt(60),
  RATE_LIMIT_SIGNUPS: positiveInt(10),
  RATE_LIMIT_SIGNUP_WINDOW_SECONDS: positiveInt(3600),
  LOGIN_FAILURES_PER_ADDRESS: positiveInt(20),
  LOGIN_LOCKOUT_MAX_SECONDS: positiveInt(900),
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  CORS_ORIGINS: originList.default([]),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("pneumatic-chat"),
  // Read by next-auth itself; a malformed one would fail every page and /api/auth request.
  NEXTAUTH_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as https://chat.example.com" }).optional(),
};

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Digits only: Number("") is 0, which would listen on a random port.
  PORT: z
    .string()
    .regex(/^[0-9]{1,5}$/, "must be a port number (0 to 65535)")
    .transform(Number)
    .pipe(z.number().max(65535, "must be a port number (0 to 65535)"))
    .default(8000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .refine((v) => /^(postgres(ql)?:\/\/|file:|sqlite:)/.test(v), {
      message: "must start with postgres://, postgresql://, file: or sqlite:",
    })
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  SECRET_KEY: z
    .string()
    .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`)
    .optional(),

  WS_ALLOWED_ORIGINS: originList.default([]),
  WS_HEARTBEAT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  PRESENCE_EXPIRY_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),

  ...operationsEnv,
  // PostgreSQL connections and the process lifecycle.
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  // Attachments: in DATA_DIR unless an S3-compatible bucket is configured.
  S3_BUCKET: z.string().min(1).optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
});

export interface PostgresTarget {
  dialect: "postgres";
  url: string;
  /** Connections per instance in the query pool; LISTEN and migrations use one more each. */
  poolMax: number;
  /** A statement running longer is cancelled by the server (0: no limit). */
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

export type DatabaseTarget = { dialect: "sqlite"; file: string } | PostgresTarget;

export interface S3Target {
  driver: "s3";
  bucket: string;
  /** Unset: AWS itself. */
  endpoint: string | null;
  region: string;
  /** Unset: the AWS SDK's own credential chain (environment, profile, instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  /** Bucket in the path rather than the host name, as most self-hosted S3-compatible servers need. */
  forcePathStyle: boolean;
}

/** Where uploaded files are kept. */
export type StorageTarget = { driver: "filesystem"; dataDir: string } | S3Target;

/** Consecutive failed logins allowed before each further attempt has to wait, doubling each time. */
export interface LoginThrottleRule {
  /** Per address: more than one person may log in from behind one NAT. */
  failuresPerAddress: number;
  /** The longest a lock lasts, so an attacker cannot keep a victim out for long. */
  maxLockSeconds: number;
}

export type TrustProxy = { hops: number } | { addresses: string[] };

export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

export interface OperationsConfig {
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** Which proxies may name the client address in X-Forwarded-For; `{ hops: 0 }` trusts none. */
  trustProxy: TrustProxy;
  rateLimit: {
    api: RateLimitRule;
    ws: RateLimitRule;
    /** Server actions of the web UI, per signed-in user or else per address. */
    action: RateLimitRule;
    /** Accounts created per client address. */
    signup: RateLimitRule;
    login: LoginThrottleRule;
    /** Shared limits across instances; null keeps them in this process's memory. */
    upstash: { url: string; token: string } | null;
  };
  /** Origins allowed to call the REST API from a browser; "*" allows any. */
  corsOrigins: string[];
  /** Null when tracing is off: nothing is loaded or exported. */
  tracing: { endpoint: string; serviceName: string } | null;
}

export interface AppConfig extends OperationsConfig {
  production: boolean;
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseTarget;
  storage: StorageTarget;
  secretKey: string;
  websocket: {
    /** Origins besides the server's own that may open /ws; "*" allows any. */
    allowedOrigins: string[];
    heartbeatMs: number;
    /** A connection whose unsent output grows past this is too slow and is dropped. */
    maxBufferedBytes: number;
  };
  /** An instance silent this long is taken for dead, and its users' presence with it. */
  presenceExpiryMs: number;
  /** How long a shutdown waits for in-flight requests before cutting them off. */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`)
    .join("; ");
}

type EnvValues = z.infer<typeof envSchema>;

function databaseTarget(values: EnvValues, dataDir: string): DatabaseTarget {
  const url = values.DATABASE_URL;
  if (!url) return { dialect: "sqlite", file: path.join(dataDir, "pneumatic.db") };
  if (url.startsWith("postgres")) {
    return {
      dialect: "postgres",
      url,
      poolMax: values.DATABASE_POOL_MAX,
      statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
    };
  }
  return { dialect: "sqlite", file: url.replace(/^(file|sqlite):(\/\/)?/, "") };
}

/**
 * In development a key is generated once and kept beside the database, so sessions
 * survive restarts without anyone having to invent a secret.
 */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, "secret_key");
  if (existsSync(file)) {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= MIN_SECRET_LENGTH) return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(48).toString("base64url");
  writeFileSync(file, generated, { mode: 0o600 });
  chmodSync(file, 0o600);
  return generated;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${describeIssues(parsed.error)}`);
  }
  const values = parsed.data;
  const production = values.NODE_ENV === "production";
  const dataDir = path.resolve(values.DATA_DIR);
  if (production && !values.SECRET_KEY) {
    throw new ConfigError(
      `Invalid configuration: SECRET_KEY is required in production (at least ${MIN_SECRET_LENGTH} characters)`,
    );
  }
  return {
    production,
    port: values.PORT,
    host: values.HOST,
    dataDir,
    database: databaseTarget(values, dataDir),
    storage: storageTarget(values, dataDir),
    secretKey: values.SECRET_KEY ?? developmentSecret(dataDir),
    websocket: {
      allowedOrigins: values.WS_ALLOWED_ORIGINS,
      heartbeatMs: values.WS_HEARTBEAT_MS,
      maxBufferedBytes: values.WS_MAX_BUFFERED_BYTES,
    },
    presenceExpiryMs: values.PRESENCE_EXPIRY_MS,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    ...operationsConfig(values),
  };
}

function storageTarget(values: EnvValues, dataDir: string): StorageTarget {
  const { S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = values;
  if (!bucket) {
    if (values.S3_ENDPOINT || accessKeyId || secretAccessKey) throw new ConfigError("Invalid configuration: S3_BUCKET is required when other S3_* variables are set");
    return { driver: "filesystem", dataDir };
  }
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    const missing = accessKeyId ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID";
    throw new ConfigError(`Invalid configuration: ${missing} is required when the other S3 key variable is set`);
  }
  return {
    driver: "s3",
    bucket,
    endpoint: values.S3_ENDPOINT ?? null,
    region: values.S3_REGION,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : null,
    forcePathStyle: values.S3_FORCE_PATH_STYLE,
  };
}

function operationsConfig(values: z.output<typeof envSchema>): OperationsConfig {
  const { UPSTASH_REDIS_REST_URL: upstashUrl, UPSTASH_REDIS_REST_TOKEN: upstashToken } = values;
  if (Boolean(upstashUrl) !== Boolean(upstashToken)) {
    const missing = upstashUrl ? "UPSTASH_REDIS_REST_TOKEN" : "UPSTASH_REDIS_REST_URL";
    throw new ConfigError(`Invalid configuration: ${missing} is required when the other Upstash variable is set`);
  }
  return {
    logLevel: values.LOG_LEVEL,
    trustProxy: values.TRUST_PROXY,
    rateLimit: {
      api: { limit: values.RATE_LIMIT_API_REQUESTS, windowSeconds: values.RATE_LIMIT_API_WINDOW_SECONDS },
      ws: { limit: values.RATE_LIMIT_WS_MESSAGES, windowSeconds: values.RATE_LIMIT_WS_WINDOW_SECONDS },
      action: { limit: values.RATE_LIMIT_ACTION_REQUESTS, windowSeconds: values.RATE_LIMIT_ACTION_WINDOW_SECONDS },
      signup: { limit: values.RATE_LIMIT_SIGNUPS, windowSeconds: values.RATE_LIMIT_SIGNUP_WINDOW_SECONDS },
      login: { failuresPerAddress: values.LOGIN_FAILURES_PER_ADDRESS, maxLockSeconds: values.LOGIN_LOCKOUT_MAX_SECONDS },
      upstash: upstashUrl && upstashToken ? { url: upstashUrl, token: upstashToken } : null,
    },
    corsOrigins: values.CORS_ORIGINS,
    tracing: values.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { endpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ""), serviceName: values.OTEL_SERVICE_NAME }
      : null,
  };
}

/** Read once per process; server.ts and the bundled route handlers see the same object. */
export function getConfig(): AppConfig {
  return processSingleton("config", () => loadConfig());
}
