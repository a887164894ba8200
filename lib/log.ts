import { pino, type Logger } from "pino";

import { processSingleton } from "@/lib/process-singleton";

type Level = "debug" | "info" | "warn" | "error";
export type LogLevel = Level | "silent";

/**
 * Field names whose values never reach a log line, up to two objects down
 * (`{ request: { headers: { authorization } } }`). Callers should not pass secrets at all;
 * this is the net under that rule.
 */
const SECRET_FIELDS = [
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
];

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
      redact: { paths: SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]), censor: "[redacted]" },
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
  logger[level](fields, msg);
}
