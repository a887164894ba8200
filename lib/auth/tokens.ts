import { randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";

import { getConfig } from "@/lib/config";

export type TokenType = "access" | "refresh";

export const ACCESS_TOKEN_TTL_SECONDS = 30 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;

const ALGORITHM = "HS256";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  expires_in: number;
}

function signingKey(secret: string = getConfig().secretKey): Uint8Array {
  return new TextEncoder().encode(secret);
}

export function signToken(userId: string, type: TokenType, secret?: string): Promise<string> {
  const ttl = type === "access" ? ACCESS_TOKEN_TTL_SECONDS : REFRESH_TOKEN_TTL_SECONDS;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ type })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(userId)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(signingKey(secret));
}

export async function issueTokenPair(userId: string): Promise<TokenPair> {
  const [access, refresh] = await Promise.all([
    signToken(userId, "access"),
    signToken(userId, "refresh"),
  ]);
  return {
    access_token: access,
    refresh_token: refresh,
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
  };
}

/**
 * Returns the user id of a valid token of the expected type, or null. The algorithm is
 * pinned so that `alg: none` or an asymmetric confusion cannot pass, and the type claim
 * keeps a refresh token from being used as an access token and the reverse.
 */
export async function verifyToken(
  token: string,
  expected: TokenType,
  secret?: string,
): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, signingKey(secret), {
      algorithms: [ALGORITHM],
      requiredClaims: ["sub", "jti", "iat", "exp"],
    });
    if (payload.type !== expected || typeof payload.sub !== "string") return null;
    return payload.sub;
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
    throw error;
  }
}
