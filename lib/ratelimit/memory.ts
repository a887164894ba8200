import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

import type { RateLimitRule } from "@/lib/config";
import type { RateLimitDecision, RateLimiter } from "@/lib/ratelimit/limiter";

/** Limits kept in this process: right for a single instance, and needs no other service. */
export function createMemoryLimiter(rule: RateLimitRule): RateLimiter {
  const limiter = new RateLimiterMemory({ points: rule.limit, duration: rule.windowSeconds });
  const decide = (allowed: boolean, result: RateLimiterRes): RateLimitDecision => ({
    allowed,
    limit: rule.limit,
    remaining: result.remainingPoints,
    resetAt: Date.now() + result.msBeforeNext,
  });
  return {
    async consume(key) {
      try {
        return decide(true, await limiter.consume(key));
      } catch (rejection) {
        // rate-limiter-flexible rejects with the result when the key is over its limit.
        if (rejection instanceof RateLimiterRes) return decide(false, rejection);
        throw rejection;
      }
    },
  };
}
