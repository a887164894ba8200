import { processSingleton } from "@/lib/process-singleton";

type Listener = (sessionIds: string[]) => void;

/**
 * Sessions revoked in this process, for whoever holds something open on them (the WebSocket
 * server). Other instances on PostgreSQL hear of them through the database's NOTIFY instead.
 */
const listeners = processSingleton("auth.revocation-listeners", () => new Set<Listener>());

export function onSessionsRevoked(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function sessionsRevoked(sessionIds: string[]): void {
  if (sessionIds.length === 0) return;
  for (const listener of listeners) listener(sessionIds);
}
