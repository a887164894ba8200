import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";

import { WebSocket, WebSocketServer, type RawData } from "ws";

import { getConfig } from "@/lib/config";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { MAX_BODY_BYTES } from "@/lib/http/body";
import { clientAddress } from "@/lib/http/client-address";
import { answerRaw, servesUpgrades } from "@/lib/http/request-guard";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { ClientConnection, type Transport } from "@/lib/realtime/connection";
import { guardSession, type GuardedConnection, type SessionGuard } from "@/lib/realtime/session-guard";
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

/**
 * A socket of /ws together with what its connection needs: one of these lives as long as each
 * open socket, so its state is fields and its listeners are functions shared by every socket,
 * not closures made per socket. It is its connection's transport and its session guard's
 * connection.
 */
class LiveSocket extends WebSocket implements Transport, GuardedConnection {
  connection: ClientConnection | undefined;
  guard: SessionGuard | undefined;
  /** Whether it answered the last heartbeat ping. */
  alive = true;

  get open(): boolean {
    return this.readyState === this.OPEN;
  }

  endSession(reason: string): void {
    this.close(CLOSE_CODES.sessionEnded, reason);
  }
}

/** The one error listener of every upgrading socket: a socket that failed is done. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

// The listeners of every socket. ws calls them with the socket as `this`, and every socket of
// the server is a LiveSocket (its WebSocket option).

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  void (this as LiveSocket).connection?.receive(isBinary ? "" : data.toString(), isBinary);
}

function onPong(this: WebSocket): void {
  (this as LiveSocket).alive = true;
}

function onError(this: WebSocket, error: Error): void {
  log("warn", "ws socket error", { userId: (this as LiveSocket).connection?.userId, error: error.message });
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
  servesUpgrades(server);
  // The server tracks its sockets itself: ws's own tracking adds a closure to each socket.
  const wss = new WebSocketServer<typeof LiveSocket>({ noServer: true, maxPayload: MAX_BODY_BYTES, WebSocket: LiveSocket, clientTracking: false });
  const sockets = new Set<LiveSocket>();
  /** Set by close(): called once the last socket has closed. */
  let drained: (() => void) | undefined;

  function onClose(this: WebSocket, code: number): void {
    const ws = this as LiveSocket;
    ws.guard?.release();
    ws.connection?.close();
    sockets.delete(ws);
    metrics.websocketConnectionsActive.dec();
    log("info", "ws disconnected", { userId: ws.connection?.userId, code, connections: sockets.size });
    if (sockets.size === 0) drained?.();
  }

  function open(ws: LiveSocket, request: IncomingMessage, credential: SocketCredential): void {
    const { userId } = credential;
    ws.guard = guardSession(credential, ws);
    ws.connection = new ClientConnection(userId, ws, websocket.maxBufferedBytes);
    sockets.add(ws);
    metrics.websocketConnectionsTotal.inc();
    metrics.websocketConnectionsActive.inc();
    log("info", "ws connected", { userId, ip: clientAddress(request, trustProxy), connections: sockets.size });
    ws.on("message", onMessage);
    ws.on("pong", onPong);
    ws.on("close", onClose);
    ws.on("error", onError);
  }

  /** Answers an upgrade with an HTTP error and logs it, as every request is logged. */
  function refuseUpgrade(request: IncomingMessage, socket: Duplex, status: number, detail: string, headers: Record<string, string> = {}): void {
    log(status >= 500 ? "error" : "info", "ws upgrade refused", { status, path: pathnameOf(request), ip: clientAddress(request, trustProxy), reason: detail });
    answerRaw(socket, status, detail, headers);
  }

  async function accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (!originAllowed(request, websocket.allowedOrigins)) return refuseUpgrade(request, socket, 403, "Origin not allowed");
    const url = new URL(request.url ?? "/", "http://localhost");
    const credential = await authenticateUpgrade(request, url);
    if (!credential) return refuseUpgrade(request, socket, 401, "Invalid or missing token", { "WWW-Authenticate": "Bearer" });
    wss.handleUpgrade(request, socket, head, (ws) => {
      // Upgraded, the socket's errors are ws's to handle: it destroys the socket itself.
      socket.removeListener("error", destroyOnError);
      open(ws, request, credential);
    });
  }

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", destroyOnError);
    const pathname = pathnameOf(request);
    if (pathname !== WEBSOCKET_PATH) {
      if (pathname !== null && foreign?.handles(pathname)) return foreign.handle(request, socket, head);
      return refuseUpgrade(request, socket, 404, "No WebSocket is served here; use /ws");
    }
    accept(request, socket, head).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) {
        return refuseUpgrade(request, socket, 503, "The database is unavailable; try again shortly", { "Retry-After": "1" });
      }
      log("error", "ws upgrade failed", { error: error instanceof Error ? error.message : String(error) });
      refuseUpgrade(request, socket, 500, "Internal server error");
    });
  });

  // A connection that did not answer the previous ping is dead.
  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      if (!ws.alive) {
        log("info", "ws heartbeat missed");
        ws.terminate();
        continue;
      }
      ws.alive = false;
      ws.ping();
    }
  }, websocket.heartbeatMs);
  heartbeat.unref();

  return {
    async close() {
      clearInterval(heartbeat);
      // From here on, upgrades still under way are refused (503).
      wss.close();
      for (const ws of sockets) ws.close(CLOSE_CODES.goingAway, "Server shutting down");
      // A client that never answers the close frame must not hold the shutdown up.
      const force = setTimeout(() => {
        for (const ws of sockets) ws.terminate();
      }, CLOSE_GRACE_MS);
      if (sockets.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      clearTimeout(force);
    },
  };
}
