import { onSessionsRevoked } from "@/lib/auth/revocations";
import { processSingleton } from "@/lib/process-singleton";
import { KeyedSets } from "@/lib/realtime/keyed-sets";
import type { SocketCredential } from "@/lib/realtime/connection-auth";
import { SESSION_END_REASONS } from "@/lib/realtime/wire";

/** A live connection (a WebSocket or an event stream) that its session's end ends. */
export interface GuardedConnection {
  /** Ends the connection, saying why. */
  endSession(reason: string): void;
}

/** Open connections by session id, so a revoked session's connections can be found and ended. */
type Registry = KeyedSets<string, GuardedConnection>;

function closeSessions(registry: Registry, sessionIds: string[]): void {
  for (const id of sessionIds) {
    for (const connection of registry.get(id)) connection.endSession(SESSION_END_REASONS.revoked);
  }
}

/** setTimeout cannot wait longer than this; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/** One guarded connection: release it once the connection has ended for any other reason. */
export class SessionGuard {
  /** Its place in the expiry queue; -1 once out of it. */
  position = -1;

  constructor(
    readonly sessionId: string,
    readonly expiresAt: number,
    readonly connection: GuardedConnection,
  ) {}

  release(): void {
    const { connections, expiries } = guards();
    expiries.remove(this);
    connections.delete(this.sessionId, this.connection);
  }
}

/**
 * The guards by expiry, soonest first (a binary heap), behind one timer for the soonest: a
 * timer per connection would cost each idle socket a Timeout and a closure.
 */
class ExpiryQueue {
  private readonly heap: SessionGuard[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires; Infinity when none is set. */
  private timerAt = Infinity;

  add(guard: SessionGuard): void {
    guard.position = this.heap.length;
    this.heap.push(guard);
    this.up(guard.position);
    if (guard.expiresAt < this.timerAt) this.schedule();
  }

  remove(guard: SessionGuard): void {
    const { position } = guard;
    if (position < 0) return;
    guard.position = -1;
    const last = this.heap.pop()!;
    if (last === guard) return;
    this.place(last, position);
    this.down(this.up(position));
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    for (let soonest = this.heap[0]; soonest && soonest.expiresAt <= now; soonest = this.heap[0]) {
      this.remove(soonest);
      soonest.connection.endSession(SESSION_END_REASONS.expired);
    }
    this.schedule();
  };

  private schedule(): void {
    clearTimeout(this.timer);
    const soonest = this.heap[0];
    if (!soonest) {
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    const wait = Math.min(Math.max(0, soonest.expiresAt - Date.now()), MAX_TIMER_MS);
    this.timerAt = Date.now() + wait;
    this.timer = setTimeout(this.expire, wait).unref();
  }

  private place(guard: SessionGuard, position: number): void {
    this.heap[position] = guard;
    guard.position = position;
  }

  /** Moves the guard at position towards the top while it expires sooner than its parent; returns where it ends. */
  private up(position: number): number {
    const guard = this.heap[position]!;
    while (position > 0) {
      const parentPosition = (position - 1) >> 1;
      const parent = this.heap[parentPosition]!;
      if (parent.expiresAt <= guard.expiresAt) break;
      this.place(parent, position);
      position = parentPosition;
    }
    this.place(guard, position);
    return position;
  }

  private down(position: number): void {
    const guard = this.heap[position]!;
    for (;;) {
      let child = 2 * position + 1;
      if (child >= this.heap.length) break;
      if (child + 1 < this.heap.length && this.heap[child + 1]!.expiresAt < this.heap[child]!.expiresAt) child++;
      if (this.heap[child]!.expiresAt >= guard.expiresAt) break;
      this.place(this.heap[child]!, position);
      position = child;
    }
    this.place(guard, position);
  }
}

/**
 * Revocations made through other instances reach onSessionsRevoked from the store's listener,
 * and the store only opens once that listener is in place: a connection, authenticated through
 * the store, is never guarded before this process can hear of its session's end.
 */
function guards(): { connections: Registry; expiries: ExpiryQueue } {
  return processSingleton("realtime.session-guards", () => {
    const connections: Registry = new KeyedSets();
    onSessionsRevoked((ids) => closeSessions(connections, ids));
    return { connections, expiries: new ExpiryQueue() };
  });
}

/**
 * Ends the connection when its credential expires or its session is revoked; an expired
 * credential's at once, before this returns.
 */
export function guardSession(credential: SocketCredential, connection: GuardedConnection): SessionGuard {
  const { connections, expiries } = guards();
  connections.add(credential.sessionId, connection);
  const guard = new SessionGuard(credential.sessionId, credential.expiresAt, connection);
  if (credential.expiresAt <= Date.now()) connection.endSession(SESSION_END_REASONS.expired);
  else expiries.add(guard);
  return guard;
}
