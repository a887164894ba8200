import { randomUUID } from "node:crypto";

import { afterEach, describe, expect, it, vi } from "vitest";

import { ENDED_SESSIONS_CAPACITY, hasSessionEnded, sessionEnded } from "@/lib/auth/ended-sessions";
import { sessionsRevoked } from "@/lib/auth/revocations";
import { ACCESS_TOKEN_TTL_SECONDS } from "@/lib/auth/tokens";

afterEach(() => vi.useRealTimers());

describe("sessions known to have ended", () => {
  it("knows a session a request found ended, and no other", () => {
    const [ended, standing] = [randomUUID(), randomUUID()];
    sessionEnded(ended);
    expect(hasSessionEnded(ended)).toBe(true);
    expect(hasSessionEnded(standing)).toBe(false);
  });

  it("knows the sessions revoked through any instance as the revocations are heard", () => {
    const ids = [randomUUID(), randomUUID()];
    sessionsRevoked(ids);
    expect(ids.map(hasSessionEnded)).toEqual([true, true]);
  });

  it("forgets a session once every access token issued for it has expired", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const id = randomUUID();
    sessionEnded(id);
    vi.setSystemTime(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000 - 1);
    expect(hasSessionEnded(id)).toBe(true);
    vi.setSystemTime(Date.now() + 2);
    expect(hasSessionEnded(id)).toBe(false);
  });

  it("forgets the session it learnt of first when it holds as many as it may", () => {
    const first = randomUUID();
    sessionEnded(first);
    for (let i = 0; i < ENDED_SESSIONS_CAPACITY; i += 1) sessionEnded(`filler-${i}`);
    expect(hasSessionEnded(first)).toBe(false);
    expect(hasSessionEnded(`filler-${ENDED_SESSIONS_CAPACITY - 1}`)).toBe(true);
  });
});
