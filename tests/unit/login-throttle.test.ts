import { describe, expect, it } from "vitest";

import { createLoginThrottle } from "@/lib/ratelimit/login-throttle";

const rule = { failuresPerAddress: 20, maxLockSeconds: 900 };
const start = 1_000_000;

async function failTimes(throttle: ReturnType<typeof createLoginThrottle>, count: number, account = "alice", address = "203.0.113.1", at = start) {
  for (let i = 0; i < count; i++) await throttle.recordFailure(account, address, at);
}

describe("login throttle", () => {
  it("lets five consecutive failures through and makes the sixth attempt wait", async () => {
    const throttle = createLoginThrottle(rule);
    await failTimes(throttle, 4);
    expect(await throttle.waitSeconds("alice", "203.0.113.1", start)).toBe(0);
    await failTimes(throttle, 1);
    expect(await throttle.waitSeconds("alice", "203.0.113.1", start)).toBe(1);
  });

  it("doubles the wait with every further failure", async () => {
    const waits = [];
    for (let failures = 5; failures <= 9; failures++) {
      const throttle = createLoginThrottle(rule);
      await failTimes(throttle, failures);
      waits.push(await throttle.waitSeconds("alice", "198.51.100.1", start));
    }
    expect(waits).toEqual([1, 2, 4, 8, 16]);
  });

  it("never locks an account for longer than the cap", async () => {
    const throttle = createLoginThrottle({ ...rule, maxLockSeconds: 60 });
    await failTimes(throttle, 40);
    expect(await throttle.waitSeconds("alice", "198.51.100.1", start)).toBe(60);
  });

  it("counts an account's failures whatever the case of the username", async () => {
    const throttle = createLoginThrottle(rule);
    for (const name of ["Alice", "ALICE", "alice", "aLiCe", " alice "]) await throttle.recordFailure(name, `198.51.100.${name.length}`, start);
    expect(await throttle.waitSeconds("alice", "192.0.2.1", start)).toBe(1);
  });

  it("leaves other accounts alone", async () => {
    const throttle = createLoginThrottle(rule);
    await failTimes(throttle, 10, "alice", "203.0.113.1");
    expect(await throttle.waitSeconds("bob", "198.51.100.1", start)).toBe(0);
  });

  it("forgets an account's failures after a success", async () => {
    const throttle = createLoginThrottle(rule);
    await failTimes(throttle, 4);
    await throttle.recordSuccess("alice");
    await failTimes(throttle, 4);
    expect(await throttle.waitSeconds("alice", "203.0.113.1", start)).toBe(0);
  });

  it("throttles one address that tries many accounts", async () => {
    const throttle = createLoginThrottle({ ...rule, failuresPerAddress: 3 });
    for (const account of ["a", "b", "c"]) await throttle.recordFailure(account, "203.0.113.1", start);
    expect(await throttle.waitSeconds("d", "203.0.113.1", start)).toBe(1);
    expect(await throttle.waitSeconds("d", "198.51.100.1", start)).toBe(0);
  });

  it("forgets a run of failures after a quiet period as long as the cap", async () => {
    const throttle = createLoginThrottle({ ...rule, maxLockSeconds: 60 });
    await failTimes(throttle, 5);
    await throttle.recordFailure("alice", "203.0.113.1", start + 61_000);
    expect(await throttle.waitSeconds("alice", "203.0.113.1", start + 61_000)).toBe(0);
  });
});
