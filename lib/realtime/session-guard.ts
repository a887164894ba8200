import postgres from "postgres";
import type { WebSocket } from "ws";

import { onSessionsRevoked } from "@/lib/auth/revocations";
import { getConfig } from "@/lib/config";
import { SESSIONS_CHANNEL } from "@/lib/db/accounts";
import { postgresOptions } from "@/lib/db/pg/connection";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/process-singleton";
import type { SocketCredential } from "@/lib/realtime/upgrade-auth";
import { CLOSE_CODES, SESSION_END_REASONS } from "@/lib/realtime/wire";

/** Open sockets by session id, so a revoked session's sockets can be found and closed. */
type Registry = Map<string, Set<WebSocket>>;

function closeSessions(registry: Registry, sessionIds: string[]): void {
  for (const id of sessionIds) {
    for (const socket of registry.get(id) ?? []) socket.close(CLOSE_CODES.sessionEnded, SESSION_END_REASONS.revoked);
  }
}

/**
 * On PostgreSQL a session may be revoked through another instance: its NOTIFY reaches this one.
 * postgres.js listens again after a dropped connection; a revocation missed meanwhile still
 * closes the socket when its token expires, and the token is refused on every other use.
 */
function listenForRevocations(registry: Registry): void {
  const { database } = getConfig();
  if (database.dialect !== "postgres") return;
  const client = postgres(database.url, postgresOptions(database, { max: 1, max_lifetime: null }));
  client
    .listen(SESSIONS_CHANNEL, (payload) => {
      try {
        const ids: unknown = JSON.parse(payload);
        if (Array.isArray(ids)) closeSessions(registry, ids.filter((id): id is string => typeof id === "string"));
      } catch {
        log("warn", "ignored a malformed session revocation", { bytes: payload.length });
      }
    })
    .catch((error: unknown) => {
      log("warn", "cannot listen for session revocations", { error: error instanceof Error ? error.message : String(error) });
    });
}

function registry(): Registry {
  return processSingleton("realtime.session-guard", () => {
    const sockets: Registry = new Map();
    onSessionsRevoked((ids) => closeSessions(sockets, ids));
    listenForRevocations(sockets);
    return sockets;
  });
}

/** setTimeout cannot wait longer than this; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/** Closes the socket with 4001 when its credential expires or its session is revoked. */
export function guardSession(socket: WebSocket, credential: SocketCredential): void {
  const sockets = registry();
  const set = sockets.get(credential.sessionId) ?? new Set<WebSocket>();
  set.add(socket);
  sockets.set(credential.sessionId, set);

  let timer: NodeJS.Timeout;
  const expireAt = () => {
    const remaining = credential.expiresAt - Date.now();
    if (remaining <= 0) return socket.close(CLOSE_CODES.sessionEnded, SESSION_END_REASONS.expired);
    timer = setTimeout(expireAt, Math.min(remaining, MAX_TIMER_MS));
    timer.unref();
  };
  expireAt();

  socket.once("close", () => {
    clearTimeout(timer);
    set.delete(socket);
    if (set.size === 0 && sockets.get(credential.sessionId) === set) sockets.delete(credential.sessionId);
  });
}
