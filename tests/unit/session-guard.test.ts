import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { sessionsRevoked } from "@/lib/auth/revocations";
import { guardSession } from "@/lib/realtime/session-guard";

const SECOND = 1000;

/** A connection that records why it was ended, in the order its guard ended them. */
function connection(name: string, ended: string[]) {
  return { endSession: (reason: string) => ended.push(`${name}: ${reason}`) };
}

function credential(sessionId: string, expiresInMs: number) {
  return { userId: "alice", sessionId, expiresAt: Date.now() + expiresInMs };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the session guard", () => {
  it("ends each connection when its credential expires, soonest first, in whatever order they came", () => {
    const ended: string[] = [];
    const guards = [
      guardSession(credential("s1", 3 * SECOND), connection("third", ended)),
      guardSession(credential("s2", SECOND), connection("first", ended)),
      guardSession(credential("s3", 2 * SECOND), connection("second", ended)),
    ];
    vi.advanceTimersByTime(SECOND);
    expect(ended).toEqual(["first: token expired"]);
    vi.advanceTimersByTime(2 * SECOND);
    expect(ended).toEqual(["first: token expired", "second: token expired", "third: token expired"]);
    for (const guard of guards) guard.release();
  });

  it("never ends a connection released before its credential expires", () => {
    const ended: string[] = [];
    const early = guardSession(credential("s4", SECOND), connection("released", ended));
    const late = guardSession(credential("s5", 2 * SECOND), connection("kept", ended));
    early.release();
    vi.advanceTimersByTime(3 * SECOND);
    expect(ended).toEqual(["kept: token expired"]);
    late.release();
  });

  it("ends a connection whose credential has already expired before it returns", () => {
    const ended: string[] = [];
    const guard = guardSession(credential("s6", -SECOND), connection("late", ended));
    expect(ended).toEqual(["late: token expired"]);
    guard.release();
  });

  it("ends every connection of a revoked session and none of another", () => {
    const ended: string[] = [];
    const guards = [
      guardSession(credential("s7", 60 * SECOND), connection("phone", ended)),
      guardSession(credential("s7", 60 * SECOND), connection("laptop", ended)),
      guardSession(credential("s8", 60 * SECOND), connection("other", ended)),
    ];
    sessionsRevoked(["s7"]);
    expect(ended).toEqual(["phone: session revoked", "laptop: session revoked"]);
    for (const guard of guards) guard.release();
  });

  it("ends each of many connections at its expiry, however they are released meanwhile (seeded)", () => {
    const ended: string[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const guards = Array.from({ length: 200 }, (_, i) => {
      const expiresInMs = Math.floor(random() * 100 * SECOND) + 1;
      return { name: `c${i}`, expiresInMs, guard: guardSession(credential(`r${i}`, expiresInMs), connection(`c${i}`, ended)) };
    });
    const released = new Set<string>();
    for (let elapsed = SECOND; elapsed <= 100 * SECOND; elapsed += SECOND) {
      for (const { name, guard } of guards) {
        if (!released.has(name) && random() < 0.01) {
          released.add(name);
          guard.release();
        }
      }
      vi.advanceTimersByTime(SECOND);
      const due = guards.filter(({ name, expiresInMs }) => expiresInMs <= elapsed && (!released.has(name) || ended.includes(`${name}: token expired`)));
      expect(new Set(ended)).toEqual(new Set(due.map(({ name }) => `${name}: token expired`)));
    }
    for (const { guard } of guards) guard.release();
  });
});
