import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { liveSession, revokeSessions, startSession } from "@/lib/auth/sessions";
import { getRepository } from "@/lib/db";

import { signUpAll } from "./in-process";

/** A session of the user that ended a minute ago without being revoked. */
async function expiredSession(userId: string): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await (await getRepository()).insertSession({
    id,
    userId,
    refreshJti: randomUUID(),
    createdAt: new Date(now - 120_000).toISOString(),
    expiresAt: new Date(now - 60_000).toISOString(),
    revokedAt: null,
  });
  return id;
}

/** Whether a credential's session still stands, on whichever database the test file opened. */
export function describeLiveSession(): void {
  describe("a credential's session", () => {
    it("stands while live, with its user and when it expires", async () => {
      const [alice] = await signUpAll(["alice"]);
      const { sessionId } = await startSession(alice!);
      const session = await liveSession(alice!, sessionId);
      expect(session?.user).toEqual({ id: alice, username: expect.stringMatching(/^alice_/), full_name: null });
      expect(session?.expiresAt).toBeGreaterThan(Date.now());
    });

    it("no longer stands once revoked", async () => {
      const [alice] = await signUpAll(["alice"]);
      const { sessionId } = await startSession(alice!);
      await revokeSessions(alice!, [sessionId]);
      expect(await liveSession(alice!, sessionId)).toBeNull();
    });

    it("no longer stands once expired", async () => {
      const [alice] = await signUpAll(["alice"]);
      expect(await liveSession(alice!, await expiredSession(alice!))).toBeNull();
    });

    it("does not stand for a user it does not belong to", async () => {
      const [alice, bob] = await signUpAll(["alice", "bob"]);
      const { sessionId } = await startSession(bob!);
      expect(await liveSession(alice!, sessionId)).toBeNull();
    });

    it("answers each of the sessions checked at the same moment for itself", async () => {
      const [alice, bob] = await signUpAll(["alice", "bob"]);
      const [aliceLive, bobLive, revoked] = await Promise.all([startSession(alice!), startSession(bob!), startSession(alice!)]);
      await revokeSessions(alice!, [revoked!.sessionId]);
      const expired = await expiredSession(bob!);
      const checked = await Promise.all([
        liveSession(alice!, aliceLive!.sessionId),
        liveSession(bob!, bobLive!.sessionId),
        liveSession(alice!, revoked!.sessionId),
        liveSession(bob!, expired),
        liveSession(alice!, bobLive!.sessionId),
        liveSession(alice!, aliceLive!.sessionId),
      ]);
      expect(checked.map((session) => session?.user.id ?? null)).toEqual([alice, bob, null, null, null, alice]);
    });

    it("does not stand when there is no such session", async () => {
      const [alice] = await signUpAll(["alice"]);
      expect(await liveSession(alice!, randomUUID())).toBeNull();
    });
  });
}
