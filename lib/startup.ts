import path from "node:path";

import { ConfigError, getConfig } from "@/lib/config";
import { getRepository } from "@/lib/db";
import { guardHttpServers } from "@/lib/http/request-guard";
import { log, setLogLevel } from "@/lib/log";
import { observeHttpRequests } from "@/lib/observability/http";
import { builtRoutes, routeLabeler, sourceRoutes } from "@/lib/observability/route-patterns";
import { processSingleton } from "@/lib/process-singleton";

/** Production reads the routes `next build` recorded; `next dev` has only the source to go by. */
function knownRoutes(production: boolean): string[] {
  // Read at run time, never bundled: the standalone tracer must not copy these folders.
  if (production) return builtRoutes(path.join(/* turbopackIgnore: true */ process.cwd(), ".next"));
  return sourceRoutes(path.join(/* turbopackIgnore: true */ process.cwd(), "app"));
}

/**
 * What every way of running the app does once per process before it serves: read and check the
 * configuration (a ConfigError stops start-up), observe HTTP requests, start tracing if asked,
 * and open and migrate the database. instrumentation.ts runs it under `next start`; server.ts
 * runs it itself before listening, since under a custom server Next does not wait for register().
 */
export function prepareProcess(): Promise<void> {
  return processSingleton("prepared", () => prepare());
}

async function prepare(): Promise<void> {
  const config = getConfig();
  setLogLevel(config.logLevel);
  observeHttpRequests({
    labelRoute: () => routeLabeler(knownRoutes(config.production)),
    trustProxy: config.trustProxy,
  });
  guardHttpServers(config.trustProxy);
  if (config.tracing) {
    const { startTracing } = await import("@/lib/observability/tracing");
    await startTracing(config.tracing);
  }
  if (config.database.dialect === "sqlite") {
    await getRepository();
    return;
  }
  // PostgreSQL may be down at start-up: serve anyway (/ready answers 503) and connect later.
  await getRepository().catch((error: unknown) => {
    log("warn", "database unavailable at start-up; will retry on demand", {
      error: error instanceof Error ? error.message : String(error),
    });
  });
}

/**
 * Anything that keeps the process from being ready (invalid configuration, a database file that
 * cannot be opened or migrated) stops it with the reason, rather than leaving a server that
 * fails every request: `next start` would log a failed register() and serve 500s.
 */
export async function prepareProcessOrExit(): Promise<void> {
  try {
    await prepareProcess();
  } catch (error) {
    if (error instanceof ConfigError) log("error", error.message);
    else log("error", "failed to start", { error: error instanceof Error ? error.stack : String(error) });
    process.exit(1);
  }
}
