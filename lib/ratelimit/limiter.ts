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
