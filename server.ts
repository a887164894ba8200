import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import next from "next";

import { ConfigError, getConfig } from "@/lib/config";
import { getRepository } from "@/lib/db";
import { log, setLogLevel } from "@/lib/log";
import { observeRequests } from "@/lib/observability/http";
import { appRoutes, routeLabeler } from "@/lib/observability/route-patterns";
import { flushTracing } from "@/lib/observability/spans";
import { attachRealtime } from "@/lib/realtime/ws-server";

async function main(): Promise<void> {
  const config = getConfig();
  setLogLevel(config.logLevel);
  const repository = await getRepository();

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
  const realtime = attachRealtime(server, (request, socket, head) => {
    void upgradeNext(request, socket, head);
  });

  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    log("info", "listening", { port, url: `http://localhost:${port}`, database: config.database.dialect });
  });

  const shutdown = (signal: string) => {
    log("info", "shutting down", { signal });
    server.close(() => {
      void Promise.allSettled([repository.close(), flushTracing()]).finally(() => process.exit(0));
    });
    void realtime.close();
    server.closeIdleConnections();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    log("error", error.message);
  } else {
    log("error", "failed to start", { error: error instanceof Error ? error.stack : String(error) });
  }
  process.exit(1);
});
