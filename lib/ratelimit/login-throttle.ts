import type { LoginThrottleRule } from "@/lib/config";

/** OWASP: lock after a handful of consecutive failures, then make every further guess wait longer. */
export const FAILURES_PER_ACCOUNT = 5;
const FIRST_LOCK_MS = 1000;
/** Keys beyond this many are forgotten oldest first, so a flood of usernames cannot grow memory without bound. */
const MAX_TRACKED_KEYS = 100_000;

/** Consecutive failed logins per account and per address. */
export interface LoginThrottle {
  /** Seconds the next attempt on this account from this address must still wait; 0 when it may go ahead. */
  waitSeconds(account: string, address: string, now?: number): Promise<number>;
  recordFailure(account: string, address: string, now?: number): Promise<void>;
  /** A right password ends the account's run of failures; the address keeps its own count. */
  recordSuccess(account: string): Promise<void>;
}

/**
 * The rule both stores apply. From the failure that reaches the threshold each attempt waits
 * 1 s, 2 s, 4 s, … up to the cap; a run is forgotten after a quiet period as long as the cap,
 * counted from the end of its last lock.
 */
export function lockMs(failures: number, threshold: number, capMs: number): number {
  if (failures < threshold) return 0;
  return Math.min(capMs, FIRST_LOCK_MS * 2 ** Math.min(failures - threshold, 30));
}

export const accountKey = (account: string) => `account:${account.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

export function secondsUntil(lockedUntil: number, now: number): number {
  return lockedUntil > now ? Math.ceil((lockedUntil - now) / 1000) : 0;
}

interface Failures {
  count: number;
  lockedUntil: number;
  forgetAt: number;
}

/** The throttle kept in this process: right for a single instance. */
export function createLoginThrottle(rule: LoginThrottleRule): LoginThrottle {
  const entries = new Map<string, Failures>();
  const capMs = rule.maxLockSeconds * 1000;

  function current(key: string, now: number): Failures | undefined {
    const entry = entries.get(key);
    if (entry && now >= entry.forgetAt) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function fail(key: string, threshold: number, now: number): void {
    const entry = current(key, now) ?? { count: 0, lockedUntil: 0, forgetAt: 0 };
    entry.count += 1;
    const lock = lockMs(entry.count, threshold, capMs);
    if (lock > 0) entry.lockedUntil = now + lock;
    entry.forgetAt = now + lock + capMs;
    // Re-inserting keeps the map in order of last failure, so the oldest is evicted first.
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > MAX_TRACKED_KEYS) entries.delete(entries.keys().next().value!);
  }

  return {
    async waitSeconds(account, address, now = Date.now()) {
      const until = Math.max(current(accountKey(account), now)?.lockedUntil ?? 0, current(addressKey(address), now)?.lockedUntil ?? 0);
      return secondsUntil(until, now);
    },
    async recordFailure(account, address, now = Date.now()) {
      fail(accountKey(account), FAILURES_PER_ACCOUNT, now);
      fail(addressKey(address), rule.failuresPerAddress, now);
    },
    async recordSuccess(account) {
      entries.delete(accountKey(account));
    },
  };
}
