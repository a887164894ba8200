import { randomUUID, webcrypto } from "node:crypto";
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

/** What a verified token says: whose it is, which session it belongs to and until when it holds. */
export interface TokenClaims {
  userId: string;
  sessionId: string;
  jti: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** A bearer token from an Authorization header value, or null. */
export function bearerToken(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1] ?? null;
}

const signingKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

/** The HMAC key of a secret, imported once: importing it again for every token was a tenth of a request's time. */
function signingKey(secret: string = getConfig().secretKey): Promise<webcrypto.CryptoKey> {
  let key = signingKeys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    key.catch(() => signingKeys.delete(secret));
    signingKeys.set(secret, key);
  }
  return key;
}

export async function signToken(
  userId: string,
  type: TokenType,
  session: { sessionId: string; jti?: string },
  secret?: string,
): Promise<string> {
  const ttl = type === "access" ? ACCESS_TOKEN_TTL_SECONDS : REFRESH_TOKEN_TTL_SECONDS;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ type, sid: session.sessionId })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(userId)
    .setJti(session.jti ?? randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(await signingKey(secret));
}

/** An access token and the refresh token whose jti the session stores as the one still accepted. */
export async function issueTokenPair(userId: string, sessionId: string, refreshJti: string): Promise<TokenPair> {
  const [access, refresh] = await Promise.all([
    signToken(userId, "access", { sessionId }),
    signToken(userId, "refresh", { sessionId, jti: refreshJti }),
  ]);
  return {
    access_token: access,
    refresh_token: refresh,
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
  };
}

/**
 * The claims of a valid token of the expected type, or null. The algorithm is pinned so that
 * `alg: none` or an asymmetric confusion cannot pass, and the type claim keeps a refresh token
 * from being used as an access token and the reverse. Whether its session still stands is
 * for lib/auth/sessions to say.
 */
export async function verifyToken(token: string, expected: TokenType, secret?: string): Promise<TokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(secret), {
      algorithms: [ALGORITHM],
      requiredClaims: ["sub", "jti", "iat", "exp"],
    });
    const { type, sub, sid, jti, exp } = payload;
    if (type !== expected || typeof sub !== "string" || typeof sid !== "string" || !jti || !exp) return null;
    return { userId: sub, sessionId: sid, jti, expiresAt: exp * 1000 };
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof TypeError) return null;
    throw error;
  }
}
