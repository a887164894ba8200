import { describe, expect, it } from "vitest";

import { createMemoryLimiter } from "@/lib/ratelimit/memory";

describe("in-memory rate limiter", () => {
  it("allows the limit, counting down what remains", async () => {
    const limiter = createMemoryLimiter({ limit: 3, windowSeconds: 60 });
    const decisions = [await limiter.consume("a"), await limiter.consume("a"), await limiter.consume("a")];
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true]);
    expect(decisions.map((decision) => decision.remaining)).toEqual([2, 1, 0]);
    expect(decisions[0]!.limit).toBe(3);
  });

  it("refuses past the limit until the window resets", async () => {
    const limiter = createMemoryLimiter({ limit: 1, windowSeconds: 60 });
    await limiter.consume("a");
    const refused = await limiter.consume("a");
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.resetAt).toBeGreaterThan(Date.now());
    expect(refused.resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it("keeps a separate budget per key", async () => {
    const limiter = createMemoryLimiter({ limit: 1, windowSeconds: 60 });
    await limiter.consume("user:a");
    expect((await limiter.consume("user:b")).allowed).toBe(true);
  });
});
