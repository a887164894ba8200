import { createHmac, createSecretKey, randomUUID, timingSafeEqual, webcrypto, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";

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

const verifyingKeys = new Map<string, KeyObject>();

function verifyingKey(secret: string = getConfig().secretKey): KeyObject {
  let key = verifyingKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, "utf8"));
    verifyingKeys.set(secret, key);
  }
  return key;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The JSON object a base64url segment of a token holds, or null. */
function segmentObject(segment: string): Record<string, unknown> | null {
  if (!BASE64URL.test(segment)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The payload of a compact JWS whose HS256 signature is right, or null. Checked with node:crypto
 * at once: jose verifies through WebCrypto, a job on the thread pool per token, which was a
 * tenth of an authenticated request's CPU. Only HS256 passes (not `none`, not an asymmetric
 * algorithm), and no header that changes how the token is read (`crit`, `b64`).
 */
function signedPayload(token: string, key: KeyObject): Record<string, unknown> | null {
  const [header, payload, signature, ...rest] = token.split(".");
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) return null;
  const protectedHeader = segmentObject(header);
  if (protectedHeader?.alg !== ALGORITHM || "crit" in protectedHeader || "b64" in protectedHeader) return null;
  if (!BASE64URL.test(signature)) return null;
  const expected = createHmac("sha256", key).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return segmentObject(payload);
}

/** How many checked tokens are kept: about one per client active lately. */
const CHECKED_TOKENS_KEPT = 1024;

/**
 * The payloads of tokens whose signature checked out, by key, then by the whole token. A client
 * sends the same access token with every request, and checking it again (two segments decoded
 * and parsed, an HMAC) was a twentieth of a request. Only a token that passed is kept, so made-up
 * ones never are, and verifyToken still checks its claims (type, expiry) on every use.
 */
const checkedTokens = new WeakMap<KeyObject, Map<string, Record<string, unknown>>>();

function checkedPayload(token: string, key: KeyObject): Record<string, unknown> | null {
  let checked = checkedTokens.get(key);
  if (!checked) checkedTokens.set(key, (checked = new Map()));
  const known = checked.get(token);
  if (known) return known;
  const payload = signedPayload(token, key);
  if (!payload) return null;
  // The oldest kept goes first: a Map iterates in insertion order.
  if (checked.size >= CHECKED_TOKENS_KEPT) checked.delete(checked.keys().next().value!);
  checked.set(token, payload);
  return payload;
}

/**
 * The claims of a valid token of the expected type, or null. The algorithm is pinned so that
 * `alg: none` or an asymmetric confusion cannot pass, and the type claim keeps a refresh token
 * from being used as an access token and the reverse. It must name its subject, session and id,
 * say when it was issued, and not have expired (nor start later, if it says so). Whether its
 * session still stands is for lib/auth/sessions to say.
 */
export async function verifyToken(token: string, expected: TokenType, secret?: string): Promise<TokenClaims | null> {
  const claims = checkedPayload(token, verifyingKey(secret));
  if (!claims) return null;
  const { type, sub, sid, jti, iat, exp, nbf } = claims;
  const now = Math.floor(Date.now() / 1000);
  if (type !== expected || typeof sub !== "string" || typeof sid !== "string" || typeof jti !== "string" || jti === "") return null;
  if (typeof iat !== "number" || typeof exp !== "number" || exp <= now) return null;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > now)) return null;
  return { userId: sub, sessionId: sid, jti, expiresAt: exp * 1000 };
}
