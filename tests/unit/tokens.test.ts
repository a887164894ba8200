import { describe, expect, it } from "vitest";

import { signToken, verifyToken } from "@/lib/auth/tokens";

const secret = "unit-test-secret-that-is-long-enough-to-use";

describe("tokens", () => {
  it("verifies a token of the expected type and returns its subject", async () => {
    const token = await signToken("user-1", "access", secret);
    expect(await verifyToken(token, "access", secret)).toBe("user-1");
  });

  it("rejects an access token where a refresh token is expected, and the reverse", async () => {
    const access = await signToken("user-1", "access", secret);
    const refresh = await signToken("user-1", "refresh", secret);
    expect(await verifyToken(access, "refresh", secret)).toBeNull();
    expect(await verifyToken(refresh, "access", secret)).toBeNull();
  });

  it("rejects a token signed with another secret", async () => {
    const token = await signToken("user-1", "access", secret);
    expect(await verifyToken(token, "access", `${secret}-other`)).toBeNull();
  });

  it("rejects garbage", async () => {
    expect(await verifyToken("garbage", "access", secret)).toBeNull();
    expect(await verifyToken("", "access", secret)).toBeNull();
  });

  it("gives every token its own jti", async () => {
    const [a, b] = await Promise.all([signToken("u", "access", secret), signToken("u", "access", secret)]);
    const jti = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).jti;
    expect(jti(a)).not.toBe(jti(b));
  });
});
