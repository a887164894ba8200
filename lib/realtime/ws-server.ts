import { STATUS_CODES, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";

import { WebSocketServer, type WebSocket } from "ws";

import { getConfig } from "@/lib/config";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { MAX_BODY_BYTES } from "@/lib/http/body";
import { clientAddress } from "@/lib/http/client-address";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { ClientConnection, type Transport } from "@/lib/realtime/connection";
import { guardSession } from "@/lib/realtime/session-guard";
import { authenticateUpgrade, originAllowed, type SocketCredential } from "@/lib/realtime/connection-auth";
import { CLOSE_CODES } from "@/lib/realtime/wire";

export const WEBSOCKET_PATH = "/ws";
const CLOSE_GRACE_MS = 5_000;

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Upgrades that are not /ws but belong to someone else: Next's hot reload in development. */
export interface ForeignUpgrades {
  handles(pathname: string): boolean;
  handle: UpgradeHandler;
}

export interface RealtimeServer {
  /** Closes every connection with a close frame (1001, going away) and stops the heartbeat. */
  close(): Promise<void>;
}

/** Answers an upgrade with a plain HTTP error and closes the socket once it is written. */
function refuse(socket: Duplex, status: number, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ detail });
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/** A class rather than an object of closures: one of these lives as long as each open socket. */
class WebSocketTransport implements Transport {
  constructor(private readonly ws: WebSocket) {}

  send(data: string): void {
    this.ws.send(data);
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  terminate(): void {
    this.ws.terminate();
  }
}

function pathnameOf(request: IncomingMessage): string | null {
  try {
    return new URL(request.url ?? "/", "http://localhost").pathname;
  } catch {
    return null;
  }
}

/** Serves the live protocol on /ws; every other upgrade is refused unless `foreign` takes it. */
export function attachRealtime(server: Server, foreign: ForeignUpgrades | null): RealtimeServer {
  const { websocket, trustProxy } = getConfig();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  const alive = new Map<WebSocket, boolean>();

  function open(ws: WebSocket, request: IncomingMessage, credential: SocketCredential): void {
    const { userId } = credential;
    const guard = guardSession(credential, { endSession: (reason) => ws.close(CLOSE_CODES.sessionEnded, reason) });
    const connection = new ClientConnection(userId, new WebSocketTransport(ws), websocket.maxBufferedBytes);
    alive.set(ws, true);
    metrics.websocketConnectionsTotal.inc();
    metrics.websocketConnectionsActive.inc();
    log("info", "ws connected", { userId, ip: clientAddress(request, trustProxy), connections: alive.size });
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        ws.send(JSON.stringify({ type: "error", reason: "Binary frames are not supported; send JSON text" }));
        return;
      }
      void connection.receive(data.toString());
    });
    ws.on("pong", () => alive.set(ws, true));
    ws.on("close", (code) => {
      guard.release();
      connection.close();
      alive.delete(ws);
      metrics.websocketConnectionsActive.dec();
      log("info", "ws disconnected", { userId, code, connections: alive.size });
    });
    ws.on("error", (error) => log("warn", "ws socket error", { userId, error: error.message }));
  }

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (!originAllowed(request, websocket.allowedOrigins)) return refuse(socket, 403, "Origin not allowed");
    const url = new URL(request.url ?? "/", "http://localhost");
    const credential = await authenticateUpgrade(request, url);
    if (!credential) return refuse(socket, 401, "Invalid or missing token", { "WWW-Authenticate": "Bearer" });
    wss.handleUpgrade(request, socket, head, (ws) => open(ws, request, credential));
  }

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const pathname = pathnameOf(request);
    if (pathname !== WEBSOCKET_PATH) {
      if (pathname !== null && foreign?.handles(pathname)) return foreign.handle(request, socket, head);
      return refuse(socket, 404, "No WebSocket is served here; use /ws");
    }
    accept(request, socket, head).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) {
        return refuse(socket, 503, "The database is unavailable; try again shortly", { "Retry-After": "1" });
      }
      log("error", "ws upgrade failed", { error: error instanceof Error ? error.message : String(error) });
      refuse(socket, 500, "Internal server error");
    });
  });

  // A connection that did not answer the previous ping is dead.
  const heartbeat = setInterval(() => {
    for (const [ws, answered] of alive) {
      if (!answered) {
        log("info", "ws heartbeat missed");
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, websocket.heartbeatMs);
  heartbeat.unref();

  return {
    async close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.close(CLOSE_CODES.goingAway, "Server shutting down");
      // A client that never answers the close frame must not hold the shutdown up.
      const force = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, CLOSE_GRACE_MS);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(force);
    },
  };
}
