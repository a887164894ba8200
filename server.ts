import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import next from "next";

import { ConfigError, getConfig } from "@/lib/config";
import { stopPresence } from "@/lib/chat/presence";
import { startUploadSweeper } from "@/lib/chat/uploads";
import { closeRepository, getRepository } from "@/lib/db";
import { log, setLogLevel } from "@/lib/log";
import { observeRequests } from "@/lib/observability/http";
import { appRoutes, routeLabeler } from "@/lib/observability/route-patterns";
import { flushTracing } from "@/lib/observability/spans";
import { attachRealtime } from "@/lib/realtime/ws-server";

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves once every connection has ended, or after timeoutMs with the stragglers cut off. */
function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      log("warn", "shutdown timeout: closing the remaining connections", { timeoutMs });
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  const config = getConfig();
  setLogLevel(config.logLevel);
  const { database } = config;
  if (database.dialect === "sqlite") {
    await getRepository();
  } else {
    // PostgreSQL may be down at start-up: serve anyway (/ready answers 503) and connect later.
    await getRepository().catch((error: unknown) => {
      log("warn", "database unavailable at start-up; will retry on demand", { error: describe(error) });
    });
  }

  const app = next({ dev: !config.production, hostname: config.host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const upgradeNext = app.getUpgradeHandler();

  const server = createServer(
    observeRequests(
      (request, response) => {
        void handle(request, response);
      },
      { labelRoute: routeLabeler(appRoutes(path.join(process.cwd(), "app"))), trustProxy: config.trustProxy },
    ),
  );
  const hotReload = {
    handles: (pathname: string) => pathname.startsWith("/_next/"),
    handle: (...upgrade: Parameters<typeof upgradeNext>) => void upgradeNext(...upgrade),
  };
  const realtime = attachRealtime(server, config.production ? null : hotReload);
  const stopSweeper = startUploadSweeper();

  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    log("info", "listening", { port, url: `http://localhost:${port}`, database: database.dialect });
  });

  // Stop accepting, tell WebSocket clients to go elsewhere (1001), let in-flight requests
  // finish within the timeout, then release the database.
  const shutdown = async (signal: string) => {
    log("info", "shutting down", { signal });
    const httpClosed = closeServer(server, config.shutdownTimeoutMs);
    stopSweeper();
    await realtime.close();
    await stopPresence().catch((error: unknown) => log("warn", "presence not cleared", { error: describe(error) }));
    await httpClosed;
    await Promise.allSettled([closeRepository(), flushTracing()]);
    log("info", "stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    log("error", error.message);
  } else {
    log("error", "failed to start", { error: error instanceof Error ? error.stack : String(error) });
  }
  process.exit(1);
});
