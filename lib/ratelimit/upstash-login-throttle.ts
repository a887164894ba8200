import { Redis } from "@upstash/redis";

import type { LoginThrottleRule } from "@/lib/config";
import { log } from "@/lib/log";
import {
  accountKey,
  addressKey,
  FAILURES_PER_ACCOUNT,
  lockMs,
  secondsUntil,
  type LoginThrottle,
} from "@/lib/ratelimit/login-throttle";

const PREFIX = "pneumatic:login:";
const REDIS_TIMEOUT_MS = 1000;


/**
 * The throttle kept in Upstash Redis, so every instance counts the same failures. Like the
 * rate limiter, an unreachable Redis lets logins through (passwords are still checked) rather
 * than locking everyone out.
 */
export function createUpstashLoginThrottle(rule: LoginThrottleRule, redis: { url: string; token: string }): LoginThrottle {
  const client = new Redis({ url: redis.url, token: redis.token, retry: false, signal: () => AbortSignal.timeout(REDIS_TIMEOUT_MS) });
  const capMs = rule.maxLockSeconds * 1000;

  async function tolerant<T>(fallback: T, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      log("warn", "login throttle unavailable, allowing the attempt", { error: error instanceof Error ? error.message : String(error) });
      return fallback;
    }
  }

  const lockedUntil = async (key: string) => Number((await client.hget<string | number>(PREFIX + key, "lockedUntil")) ?? 0);
  // The count is atomic; two failures racing may leave the shorter of their two locks, by a second or two.
  async function fail(key: string, threshold: number, now: number): Promise<void> {
    const count = await client.hincrby(PREFIX + key, "count", 1);
    const lock = lockMs(count, threshold, capMs);
    const pipeline = client.pipeline();
    if (lock > 0) pipeline.hset(PREFIX + key, { lockedUntil: now + lock });
    pipeline.pexpire(PREFIX + key, lock + capMs);
    await pipeline.exec();
  }

  return {
    waitSeconds(account, address, now = Date.now()) {
      return tolerant(0, async () => {
        const until = await Promise.all([lockedUntil(accountKey(account)), lockedUntil(addressKey(address))]);
        return secondsUntil(Math.max(...until), now);
      });
    },
    recordFailure(account, address, now = Date.now()) {
      return tolerant(undefined, async () => {
        await Promise.all([fail(accountKey(account), FAILURES_PER_ACCOUNT, now), fail(addressKey(address), rule.failuresPerAddress, now)]);
      });
    },
    recordSuccess(account) {
      return tolerant(undefined, async () => {
        await client.del(PREFIX + accountKey(account));
      });
    },
  };
}
