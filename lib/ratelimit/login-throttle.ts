import type { LoginThrottleRule } from "@/lib/config";

/** OWASP: lock after a handful of consecutive failures, then make every further guess wait longer. */
export const FAILURES_PER_ACCOUNT = 5;
const FIRST_LOCK_SECONDS = 1;
/** Keys beyond this many are forgotten oldest first, so a flood of usernames cannot grow memory without bound. */
const MAX_TRACKED_KEYS = 100_000;

interface Failures {
  count: number;
  lockedUntil: number;
  lastFailure: number;
}

export interface LoginThrottle {
  /** Seconds the next attempt on this account from this address must still wait; 0 when it may go ahead. */
  waitSeconds(account: string, address: string, now?: number): number;
  recordFailure(account: string, address: string, now?: number): void;
  /** A right password ends the account's run of failures; the address keeps its own count. */
  recordSuccess(account: string): void;
}

/**
 * Consecutive failed logins per account and per address, kept in this process. From the
 * failure past the threshold each attempt waits 1 s, 2 s, 4 s, … up to the configured cap,
 * and a quiet period as long as the cap forgets the run.
 */
export function createLoginThrottle(rule: LoginThrottleRule): LoginThrottle {
  const entries = new Map<string, Failures>();
  const capMs = rule.maxLockSeconds * 1000;

  function current(key: string, now: number): Failures | undefined {
    const entry = entries.get(key);
    if (entry && now - entry.lastFailure > capMs && now >= entry.lockedUntil) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function fail(key: string, threshold: number, now: number): void {
    const entry = current(key, now) ?? { count: 0, lockedUntil: 0, lastFailure: now };
    entry.count += 1;
    entry.lastFailure = now;
    if (entry.count >= threshold) {
      const lockMs = Math.min(capMs, FIRST_LOCK_SECONDS * 1000 * 2 ** Math.min(entry.count - threshold, 30));
      entry.lockedUntil = now + lockMs;
    }
    // Re-inserting keeps the map in order of last failure, so the oldest is evicted first.
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > MAX_TRACKED_KEYS) entries.delete(entries.keys().next().value!);
  }

  const accountKey = (account: string) => `account:${account.trim().toLowerCase()}`;
  const addressKey = (address: string) => `address:${address}`;

  return {
    waitSeconds(account, address, now = Date.now()) {
      const until = Math.max(current(accountKey(account), now)?.lockedUntil ?? 0, current(addressKey(address), now)?.lockedUntil ?? 0);
      return until > now ? Math.ceil((until - now) / 1000) : 0;
    },
    recordFailure(account, address, now = Date.now()) {
      fail(accountKey(account), FAILURES_PER_ACCOUNT, now);
      fail(addressKey(address), rule.failuresPerAddress, now);
    },
    recordSuccess(account) {
      entries.delete(accountKey(account));
    },
  };
}
