import postgres from "postgres";

import { onSessionsRevoked } from "@/lib/auth/revocations";
import { getConfig } from "@/lib/config";
import { SESSIONS_CHANNEL } from "@/lib/db/accounts";
import { postgresOptions } from "@/lib/db/pg/connection";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/process-singleton";
import type { SocketCredential } from "@/lib/realtime/connection-auth";
import { SESSION_END_REASONS } from "@/lib/realtime/wire";

/** Ends one live connection (a WebSocket or an event stream), saying why. */
export type EndConnection = (reason: string) => void;

/** Open connections by session id, so a revoked session's connections can be found and ended. */
type Registry = Map<string, Set<EndConnection>>;

function closeSessions(registry: Registry, sessionIds: string[]): void {
  for (const id of sessionIds) {
    for (const end of registry.get(id) ?? []) end(SESSION_END_REASONS.revoked);
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
    const connections: Registry = new Map();
    onSessionsRevoked((ids) => closeSessions(connections, ids));
    listenForRevocations(connections);
    return connections;
  });
}

/** setTimeout cannot wait longer than this; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Ends the connection when its credential expires or its session is revoked. Returns the
 * release to call once the connection has ended for any other reason.
 */
export function guardSession(credential: SocketCredential, end: EndConnection): () => void {
  const connections = registry();
  const set = connections.get(credential.sessionId) ?? new Set<EndConnection>();
  set.add(end);
  connections.set(credential.sessionId, set);

  let timer: NodeJS.Timeout;
  const expireAt = () => {
    const remaining = credential.expiresAt - Date.now();
    if (remaining <= 0) return end(SESSION_END_REASONS.expired);
    timer = setTimeout(expireAt, Math.min(remaining, MAX_TIMER_MS));
    timer.unref();
  };
  expireAt();

  return () => {
    clearTimeout(timer);
    set.delete(end);
    if (set.size === 0 && connections.get(credential.sessionId) === set) connections.delete(credential.sessionId);
  };
}
