import { STATUS_CODES, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";

import { WebSocketServer } from "ws";

import { getConfig } from "@/lib/config";
import { MAX_BODY_BYTES } from "@/lib/http/body";
import { log } from "@/lib/log";
import { clientAddress } from "@/lib/http/client-address";
import { metrics } from "@/lib/observability/metrics";
import { ClientConnection } from "@/lib/realtime/connection";
import { guardSession } from "@/lib/realtime/session-guard";
import { authenticateUpgrade, originAllowed } from "@/lib/realtime/upgrade-auth";

export const WEBSOCKET_PATH = "/ws";
const CLOSE_GRACE_MS = 5_000;

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface RealtimeServer {
  connectionCount(): number;
  /** Closes every connection with a close frame (1001, going away) and stops the heartbeat. */
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, detail: string): void {
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      "Connection: close\r\nContent-Type: application/json\r\n" +
      (status === 401 ? "WWW-Authenticate: Bearer\r\n" : "") +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Serves the /ws protocol on the HTTP server; every other upgrade (Next's hot reload in
 * development) goes to `otherUpgrades`.
 */
export function attachRealtime(server: Server, otherUpgrades: UpgradeHandler): RealtimeServer {
  const { websocket, trustProxy } = getConfig();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  const connections = new Set<ClientConnection>();

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    if (!originAllowed(request, websocket.allowedOrigins)) return refuse(socket, 403, "Origin not allowed");
    const credential = await authenticateUpgrade(request, url);
    if (!credential) return refuse(socket, 401, "Invalid or missing token");
    const { userId } = credential;
    wss.handleUpgrade(request, socket, head, (ws) => {
      guardSession(ws, credential);
      const connection = new ClientConnection(ws, userId, websocket.maxBufferedBytes);
      connections.add(connection);
      metrics.websocketConnectionsTotal.inc();
      metrics.websocketConnectionsActive.inc();
      log("info", "ws connected", { userId, ip: clientAddress(request, trustProxy), connections: connections.size });
      ws.on("close", (code) => {
        connections.delete(connection);
        metrics.websocketConnectionsActive.dec();
        log("info", "ws disconnected", { userId, code, connections: connections.size });
      });
      ws.on("error", (error) => log("warn", "ws socket error", { userId, error: error.message }));
    });
  }

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== WEBSOCKET_PATH) return otherUpgrades(request, socket, head);
    socket.on("error", () => socket.destroy());
    accept(request, socket, head, url).catch((error: unknown) => {
      log("error", "ws upgrade failed", { error: error instanceof Error ? error.message : String(error) });
      refuse(socket, 500, "Internal server error");
    });
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections) connection.ping();
  }, websocket.heartbeatMs);
  heartbeat.unref();

  return {
    connectionCount: () => connections.size,
    async close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(1001, "Server shutting down");
      // A client that never answers the close frame must not hold the shutdown up.
      const force = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, CLOSE_GRACE_MS);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(force);
    },
  };
}
