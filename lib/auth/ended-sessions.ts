import { onSessionsRevoked } from "@/lib/auth/revocations";
import { ACCESS_TOKEN_TTL_SECONDS } from "@/lib/auth/tokens";
import { processSingleton } from "@/lib/process-singleton";

/** Far more sessions than end on one instance within an access token's life; past it the oldest are forgotten. */
export const ENDED_SESSIONS_CAPACITY = 100_000;
const REMEMBERED_MS = ACCESS_TOKEN_TTL_SECONDS * 1000;

/**
 * Sessions this process knows have ended, each until every access token issued for it has
 * expired: the ones revoked through any instance (as onSessionsRevoked hears them), and the
 * ones a request found ended. A route that takes its caller from the token without reading
 * the session (tokenHolderRoute) refuses such a token at once, and counts it against the
 * client's address: a logged-out token cannot use up the rate limit of the user it names.
 */
const ended = processSingleton("auth.ended-sessions", () => {
  // Each id until when it is remembered; entries are added in that order, so the oldest come first.
  const until = new Map<string, number>();
  onSessionsRevoked((ids) => ids.forEach((id) => remember(until, id)));
  return until;
});

function remember(until: Map<string, number>, sessionId: string): void {
  const now = Date.now();
  until.delete(sessionId);
  until.set(sessionId, now + REMEMBERED_MS);
  for (const [id, expiry] of until) {
    if (expiry > now && until.size <= ENDED_SESSIONS_CAPACITY) break;
    until.delete(id);
  }
}

export function sessionEnded(sessionId: string): void {
  remember(ended, sessionId);
}

export function hasSessionEnded(sessionId: string): boolean {
  return (ended.get(sessionId) ?? 0) > Date.now();
}
