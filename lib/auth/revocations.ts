import { processSingleton } from "@/lib/process-singleton";

type Listener = (sessionIds: string[]) => void;

/**
 * Sessions revoked, for whoever holds something open on them (the WebSocket server): those
 * revoked in this process, and on PostgreSQL those revoked through any instance, as the
 * store's listener hears them (lib/db/pg/listener.ts; this process's own come twice).
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
