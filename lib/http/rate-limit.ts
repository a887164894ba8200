import { verifyToken } from "@/lib/auth/tokens";
import { bearerToken } from "@/lib/http/auth";
import { metrics } from "@/lib/observability/metrics";
import { currentRequest } from "@/lib/observability/request-context";
import { getRateLimiter, retryAfterSeconds, type RateLimitDecision } from "@/lib/ratelimit";

/**
 * Authenticated callers are limited per user, wherever they connect from; everyone else per
 * client address. Only a valid access token counts, so a made-up one cannot pick a fresh key.
 */
async function rateLimitKey(request: Request): Promise<string> {
  const context = currentRequest();
  const token = bearerToken(request.headers.get("authorization"));
  const userId = token ? await verifyToken(token, "access") : null;
  if (userId) {
    if (context) context.userId = userId;
    return `user:${userId}`;
  }
  return `ip:${context?.clientIp ?? "unknown"}`;
}

export async function limitApiRequest(request: Request): Promise<RateLimitDecision> {
  const decision = await getRateLimiter("api").consume(await rateLimitKey(request));
  if (!decision.allowed) metrics.rateLimitedTotal.inc({ scope: "api" });
  return decision;
}

export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(Math.max(0, decision.remaining)),
    "X-RateLimit-Reset": String(Math.ceil(decision.resetAt / 1000)),
  };
  if (!decision.allowed) headers["Retry-After"] = String(retryAfterSeconds(decision));
  return headers;
}
