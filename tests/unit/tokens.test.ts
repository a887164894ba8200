import { describe, expect, it } from "vitest";

import { signToken, verifyToken } from "@/lib/auth/tokens";

const secret = "unit-test-secret-that-is-long-enough-to-use";
const session = { sessionId: "session-1" };

describe("tokens", () => {
  it("verifies a token of the expected type and returns its subject and session", async () => {
    const token = await signToken("user-1", "access", session, secret);
    expect(await verifyToken(token, "access", secret)).toMatchObject({ userId: "user-1", sessionId: "session-1" });
  });

  it("rejects an access token where a refresh token is expected, and the reverse", async () => {
    const access = await signToken("user-1", "access", session, secret);
    const refresh = await signToken("user-1", "refresh", session, secret);
    expect(await verifyToken(access, "refresh", secret)).toBeNull();
    expect(await verifyToken(refresh, "access", secret)).toBeNull();
  });

  it("rejects a token signed with another secret", async () => {
    const token = await signToken("user-1", "access", session, secret);
    expect(await verifyToken(token, "access", `${secret}-other`)).toBeNull();
  });

  it("rejects garbage", async () => {
    expect(await verifyToken("garbage", "access", secret)).toBeNull();
    expect(await verifyToken("", "access", secret)).toBeNull();
  });

  it("gives every token its own jti", async () => {
    const [a, b] = await Promise.all([signToken("u", "access", session, secret), signToken("u", "access", session, secret)]);
    const jti = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).jti;
    expect(jti(a)).not.toBe(jti(b));
  });

  it("reports when the token expires, in milliseconds", async () => {
    const before = Date.now();
    const claims = await verifyToken(await signToken("u", "access", session, secret), "access", secret);
    expect(claims!.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 30 * 60 * 1000);
  });
});
