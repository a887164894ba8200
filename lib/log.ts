import { pino, type Logger } from "pino";

import { processSingleton } from "@/lib/process-singleton";

type Level = "debug" | "info" | "warn" | "error";
export type LogLevel = Level | "silent";

/**
 * Field names whose values never reach a log line, up to two objects down
 * (`{ request: { headers: { authorization } } }`). Callers should not pass secrets at all;
 * this is the net under that rule.
 */
const SECRET_FIELDS = new Set([
  "password",
  "token",
  "access_token",
  "refresh_token",
  "authorization",
  "cookie",
  "secret",
  "secretKey",
  "SECRET_KEY",
  "UPSTASH_REDIS_REST_TOKEN",
]);
const SECRET_DEPTH = 2;
const CENSOR = "[redacted]";

type Fields = Record<string, unknown> | unknown[];

/**
 * The fields with the value of every secret field name censored, down to SECRET_DEPTH objects
 * below the top. The caller's objects are never changed: those on the way to a secret are
 * copied, the rest are passed on as they are. (pino's own `redact` parsed each of its thirty
 * paths again for every line: two fifths of what a WebSocket connection allocated.)
 */
function redacted<T extends Fields>(fields: T, depth = 0): T {
  let copy: Fields | null = null;
  for (const key of Object.keys(fields)) {
    const value: unknown = (fields as Record<string, unknown>)[key];
    let safe = value;
    if (SECRET_FIELDS.has(key)) safe = CENSOR;
    else if (depth < SECRET_DEPTH && typeof value === "object" && value !== null) safe = redacted(value as Fields, depth + 1);
    if (safe === value) continue;
    copy ??= Array.isArray(fields) ? [...fields] : { ...fields };
    (copy as Record<string, unknown>)[key] = safe;
  }
  return (copy ?? fields) as T;
}

function createLogger(): Logger<never> {
  // Errors go to stderr, everything else to stdout; written synchronously so that the line
  // explaining a failed start-up is out before the process exits.
  const streams = pino.multistream(
    [
      { level: "trace", stream: pino.destination({ dest: 1, sync: true }) },
      { level: "error", stream: pino.destination({ dest: 2, sync: true }) },
    ],
    { dedupe: true },
  );
  return pino(
    {
      level: "info",
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    streams,
  );
}

/** One logger per process, so a level set by server.ts also applies inside route handlers. */
const logger = processSingleton("logger", createLogger);

export function setLogLevel(level: LogLevel): void {
  logger.level = level;
}

/** One JSON object per line, the shape log collectors expect. */
export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (logger.isLevelEnabled(level)) logger[level](redacted(fields), msg);
}
