import { getConfig } from "@/lib/config";
import type { RateLimiter } from "@/lib/ratelimit/limiter";
import { createLoginThrottle, type LoginThrottle } from "@/lib/ratelimit/login-throttle";
import { createMemoryLimiter } from "@/lib/ratelimit/memory";
import { createUpstashLimiter } from "@/lib/ratelimit/upstash";
import { createUpstashLoginThrottle } from "@/lib/ratelimit/upstash-login-throttle";
import { processSingleton } from "@/lib/process-singleton";

export { retryAfterSeconds, type RateLimitDecision, type RateLimiter } from "@/lib/ratelimit/limiter";

export type RateLimitScope = "api" | "ws" | "action" | "signup";

/**
 * The limiter of a scope, one per process so that route handlers and the WebSocket server
 * count against the same state: Upstash Redis when configured, memory otherwise.
 */
export function getRateLimiter(scope: RateLimitScope): RateLimiter {
  return processSingleton(`ratelimit.${scope}`, () => {
    const { rateLimit } = getConfig();
    const rule = rateLimit[scope];
    return rateLimit.upstash ? createUpstashLimiter(rule, rateLimit.upstash, scope) : createMemoryLimiter(rule);
  });
}

/**
 * One per process, so both login paths (REST and next-auth) count the same failures; in
 * Upstash Redis when configured, so every instance does too.
 */
export function getLoginThrottle(): LoginThrottle {
  return processSingleton("ratelimit.login", () => {
    const { login, upstash } = getConfig().rateLimit;
    return upstash ? createUpstashLoginThrottle(login, upstash) : createLoginThrottle(login);
  });
}
