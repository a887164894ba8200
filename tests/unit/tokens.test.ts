import { createHmac } from "node:crypto";

import { SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";

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

  /** A token of `secret` with the claims and header given, for the cases signToken never makes. */
  function craft(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ type: "access", sid: "session-1", sub: "user-1", jti: "j-1", iat: now, exp: now + 60, ...claims })
      .setProtectedHeader({ alg: "HS256", ...header })
      .sign(new TextEncoder().encode(secret));
  }

  it("rejects an expired token, and one that is not valid yet", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await verifyToken(await craft({}), "access", secret)).toMatchObject({ userId: "user-1" });
    expect(await verifyToken(await craft({ exp: now - 1 }), "access", secret)).toBeNull();
    expect(await verifyToken(await craft({ exp: now }), "access", secret)).toBeNull();
    expect(await verifyToken(await craft({ nbf: now + 60 }), "access", secret)).toBeNull();
  });

  it("rejects a token without its subject, session, id or issue time", async () => {
    for (const claim of ["sub", "sid", "jti", "iat", "exp"]) {
      expect(await verifyToken(await craft({ [claim]: undefined }), "access", secret)).toBeNull();
    }
  });

  it("rejects alg none, another algorithm's name, critical headers and a changed payload", async () => {
    const token = await craft({});
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    expect(await verifyToken(`${encode({ alg: "none" })}.${payload}.`, "access", secret)).toBeNull();
    expect(await verifyToken(`${encode({ alg: "HS512" })}.${payload}.${signature}`, "access", secret)).toBeNull();
    const critical = encode({ alg: "HS256", crit: ["exp"], exp: 1 });
    const criticalSignature = createHmac("sha256", secret).update(`${critical}.${payload}`).digest("base64url");
    expect(await verifyToken(`${critical}.${payload}.${criticalSignature}`, "access", secret)).toBeNull();
    const other = encode({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "user-2" });
    expect(await verifyToken(`${header}.${other}.${signature}`, "access", secret)).toBeNull();
    expect(await verifyToken(`${header}.${payload}.${signature}.extra`, "access", secret)).toBeNull();
    expect(await verifyToken(`${header}.${payload}.${signature.slice(0, -2)}`, "access", secret)).toBeNull();
  });

  describe("once a token has been accepted", () => {
    afterEach(() => vi.useRealTimers());

    it("rejects it when it has expired since", async () => {
      const token = await signToken("user-1", "access", session, secret);
      expect(await verifyToken(token, "access", secret)).not.toBeNull();
      vi.useFakeTimers({ now: Date.now() + 31 * 60 * 1000 });
      expect(await verifyToken(token, "access", secret)).toBeNull();
    });

    it("still rejects it where the other type is expected, and under another secret", async () => {
      const token = await signToken("user-1", "access", session, secret);
      expect(await verifyToken(token, "access", secret)).not.toBeNull();
      expect(await verifyToken(token, "refresh", secret)).toBeNull();
      expect(await verifyToken(token, "access", `${secret}-other`)).toBeNull();
    });

    it("rejects its header and payload under another signature", async () => {
      const token = await signToken("user-1", "access", session, secret);
      expect(await verifyToken(token, "access", secret)).not.toBeNull();
      const [header, payload] = token.split(".") as [string, string];
      const forged = createHmac("sha256", `${secret}-other`).update(`${header}.${payload}`).digest("base64url");
      expect(await verifyToken(`${header}.${payload}.${forged}`, "access", secret)).toBeNull();
    });
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
