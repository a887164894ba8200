import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nextEnv from "@next/env";
import next from "next";

import * as history from "@/app/conversations/[id]/messages/route";
import * as send from "@/app/messages/route";
import { ConfigError, getConfig } from "@/lib/config";
import { stopPresence } from "@/lib/chat/presence";
import { startUploadSweeper } from "@/lib/chat/uploads";
import { closeRepository } from "@/lib/db";
import { directRoute, type DirectRoute } from "@/lib/http/direct-routes";
import { log } from "@/lib/log";
import { applyBuiltNextConfig } from "@/lib/next-build";
import { flushTracing } from "@/lib/observability/spans";
import { closeEventStreams } from "@/lib/realtime/event-stream";
import { attachRealtime } from "@/lib/realtime/ws-server";
import { prepareProcess } from "@/lib/startup";

/**
 * The busiest API routes, served from their route modules without Next's request machinery,
 * which cost more than their own work; `next start` serves the same modules through Next.
 */
const DIRECT_ROUTES: DirectRoute[] = [
  { pattern: /^\/messages$/, handlers: send },
  { pattern: /^\/conversations\/(?<id>[^/]+)\/messages$/, handlers: history },
];

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
  const production = process.env.NODE_ENV === "production";
  // The same .env files, in the same order, as `next dev` and `next start` read them.
  nextEnv.loadEnvConfig(process.cwd(), !production);
  const config = getConfig();
  if (config.production) applyBuiltNextConfig(process.cwd());

  await prepareProcess();
  // Unless given a server, Next hooks its own upgrade handler onto the one that brings it its
  // first request, ours: it would then route every /ws upgrade once more and keep a listener
  // and an AbortController per open socket. Given one that never listens, it leaves upgrades to
  // attachRealtime, which hands Next's hot reload its own.
  const app = next({ dev: !config.production, hostname: config.host, port: config.port, httpServer: createServer() });
  const handle = app.getRequestHandler();
  await app.prepare();
  const upgradeNext = app.getUpgradeHandler();
  const { database } = config;

  // With tracing on, every request goes through Next, whose request spans the traces are built on.
  const routes = config.production && !config.tracing ? DIRECT_ROUTES : [];
  // lib/startup has put the request guard in front of every HTTP server of the process.
  const server = createServer((request, response) => {
    const direct = directRoute(routes, request);
    void (direct ? direct(response) : handle(request, response));
  });
  const hotReload = {
    handles: (pathname: string) => pathname.startsWith("/_next/"),
    handle: (...upgrade: Parameters<typeof upgradeNext>) => void upgradeNext(...upgrade),
  };
  const realtime = attachRealtime(server, config.production ? null : hotReload);
  const stopSweeper = startUploadSweeper();

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => reject(new ConfigError(`Cannot listen on HOST=${config.host} PORT=${config.port}: ${error.message}`)));
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  log("info", "listening", { port, url: `http://localhost:${port}`, database: database.dialect });

  // Stop accepting, tell live clients to go elsewhere (WebSocket 1001, event streams ended),
  // let in-flight requests finish within the timeout, then release the database.
  const shutdown = async (signal: string) => {
    log("info", "shutting down", { signal });
    const httpClosed = closeServer(server, config.shutdownTimeoutMs);
    closeEventStreams();
    stopSweeper();
    await realtime.close();
    await stopPresence().catch((error: unknown) => log("warn", "presence not cleared", { error: String(error) }));
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
