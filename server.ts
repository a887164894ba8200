import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import next from "next";

import { ConfigError, getConfig } from "@/lib/config";
import { getRepository } from "@/lib/db";
import { log } from "@/lib/log";
import { attachRealtime } from "@/lib/realtime/ws-server";

async function main(): Promise<void> {
  const config = getConfig();
  const repository = await getRepository();

  const app = next({ dev: !config.production, hostname: config.host, port: config.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const upgradeNext = app.getUpgradeHandler();

  const server = createServer((request, response) => {
    void handle(request, response);
  });
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
      void repository.close().finally(() => process.exit(0));
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
