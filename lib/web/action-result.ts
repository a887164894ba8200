/** What a server action answers, as the browser sees it. Safe to import from client components. */

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; fieldErrors?: Record<string, string> };

export const SESSION_ENDED = "Your session has ended. Sign in again.";

export const UNREACHABLE_ERROR = "Could not reach the server. Check your connection and try again.";

const UNREACHABLE = { ok: false, error: UNREACHABLE_ERROR } as const;

/** A server action call that fails in transit (offline, server restarting) becomes a message too. */
export function reachable<T>(call: Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return call.catch(() => UNREACHABLE);
}
