import type { RateLimitDecision } from "@/lib/ratelimit";
import { retryAfterSeconds } from "@/lib/ratelimit";

export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(Math.max(0, decision.remaining)),
    "X-RateLimit-Reset": String(Math.ceil(decision.resetAt / 1000)),
  };
  if (!decision.allowed) headers["Retry-After"] = String(retryAfterSeconds(decision));
  return headers;
}
