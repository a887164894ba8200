import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";

import type { RateLimitRule } from "@/lib/config";
import { log } from "@/lib/log";
import type { RateLimitDecision, RateLimiter } from "@/lib/ratelimit/limiter";

const REDIS_TIMEOUT_MS = 1000;

/**
 * Limits kept in Upstash Redis, so every instance behind a load balancer counts against the
 * same budget. Same fixed-window semantics as the in-memory limiter.
 */
export function createUpstashLimiter(
  rule: RateLimitRule,
  redis: { url: string; token: string },
  scope: string,
): RateLimiter {
  const ratelimit = new Ratelimit({
    // No retries: a limiter that waits on a struggling Redis would slow every request down.
    redis: new Redis({ url: redis.url, token: redis.token, retry: false }),
    limiter: Ratelimit.fixedWindow(rule.limit, `${rule.windowSeconds} s`),
    prefix: `pneumatic:ratelimit:${scope}`,
    timeout: REDIS_TIMEOUT_MS,
  });
  return {
    async consume(key): Promise<RateLimitDecision> {
      // An unreachable or slow Redis must not take the chat down with it: let the request through.
      const allowAnyway = (reason: string): RateLimitDecision => {
        log("warn", "rate limiter unavailable, allowing request", { scope, reason });
        return { allowed: true, limit: rule.limit, remaining: rule.limit, resetAt: Date.now() + rule.windowSeconds * 1000 };
      };
      try {
        const { success, limit, remaining, reset, reason } = await ratelimit.limit(key);
        if (reason === "timeout") return allowAnyway(`no answer within ${REDIS_TIMEOUT_MS} ms`);
        return { allowed: success, limit, remaining, resetAt: reset };
      } catch (error) {
        return allowAnyway(error instanceof Error ? error.message : String(error));
      }
    },
  };
}
