import { metrics } from "@/lib/observability/metrics";
import { getRateLimiter, retryAfterSeconds, type RateLimitDecision, type RateLimitScope } from "@/lib/ratelimit";

/** Who is knocking: a signed-in user is counted wherever they connect from, anyone else by address. */
export interface Caller {
  userId?: string | null;
  address?: string | null;
}

export function callerKey({ userId, address }: Caller): string {
  return userId ? `user:${userId}` : `ip:${address ?? "unknown"}`;
}

/** Refused by a limit; every entrance turns it into its own "slow down" (429, error frame, form message). */
export class RateLimited extends Error {
  override name = "RateLimited";

  constructor(
    readonly retryAfter: number,
    readonly decision: RateLimitDecision | null = null,
  ) {
    super(`Too many requests, retry in ${retryAfter} s`);
  }
}

/** Counts one request of the caller against the scope's limit; the same rule at every entrance. */
export async function admit(scope: RateLimitScope, caller: Caller): Promise<RateLimitDecision> {
  const decision = await getRateLimiter(scope).consume(callerKey(caller));
  if (!decision.allowed) metrics.rateLimitedTotal.inc({ scope });
  return decision;
}

/** Like admit, for entrances that stop at the first refusal: throws RateLimited past the limit. */
export async function enforce(scope: RateLimitScope, caller: Caller): Promise<RateLimitDecision> {
  const decision = await admit(scope, caller);
  if (!decision.allowed) throw new RateLimited(retryAfterSeconds(decision), decision);
  return decision;
}
