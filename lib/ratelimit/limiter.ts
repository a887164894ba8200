export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the current window ends, in epoch milliseconds. */
  resetAt: number;
}

/** Counts one hit against `key` and says whether it is still within the limit. */
export interface RateLimiter {
  consume(key: string): Promise<RateLimitDecision>;
}

/** Seconds a refused client should wait before its next attempt (at least 1). */
export function retryAfterSeconds(decision: RateLimitDecision, now = Date.now()): number {
  return Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
}
