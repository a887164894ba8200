import type { IncomingMessage } from "node:http";

import { decode } from "next-auth/jwt";

import { liveSession } from "@/lib/auth/sessions";
import { bearerToken, verifyToken } from "@/lib/auth/tokens";
import { getConfig } from "@/lib/config";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    try {
      cookies.set(name, decodeURIComponent(part.slice(index + 1).trim()));
    } catch {
      // A cookie that is not valid percent-encoding cannot be a session.
    }
  }
  return cookies;
}

/** next-auth splits a large session cookie into name.0, name.1, …; join them back. */
function sessionCookie(cookies: Map<string, string>): string | null {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    const chunks: string[] = [];
    for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
    if (chunks.length > 0) return chunks.join("");
  }
  return null;
}

/** Who a socket belongs to and until when its credential holds. */
export interface SocketCredential {
  userId: string;
  sessionId: string;
  /** Epoch milliseconds at which the token or web session expires. */
  expiresAt: number;
}

async function credentialFromCookie(cookieHeader: string | undefined): Promise<SocketCredential | null> {
  const token = sessionCookie(parseCookies(cookieHeader));
  if (!token) return null;
  try {
    const session = await decode({ token, secret: getConfig().secretKey });
    const { sub, sid, exp } = session ?? {};
    if (typeof sub !== "string" || typeof sid !== "string" || typeof exp !== "number") return null;
    return { userId: sub, sessionId: sid, expiresAt: exp * 1000 };
  } catch {
    return null;
  }
}

async function credentialOf(request: IncomingMessage, url: URL): Promise<SocketCredential | null> {
  const token = url.searchParams.get("token") ?? bearerToken(request.headers.authorization);
  if (token) return verifyToken(token, "access");
  return credentialFromCookie(request.headers.cookie);
}

/**
 * What a WebSocket upgrade authenticates as: an access token in `?token=` or an Authorization
 * header, else the web session cookie; either way its session must still stand.
 */
export async function authenticateUpgrade(request: IncomingMessage, url: URL): Promise<SocketCredential | null> {
  const credential = await credentialOf(request, url);
  const session = credential ? await liveSession(credential.userId, credential.sessionId) : null;
  if (!credential || !session) return null;
  // A web session cookie can outlive the session row it names; the socket lasts as long as the shorter.
  return { ...credential, expiresAt: Math.min(credential.expiresAt, session.expiresAt) };
}

/**
 * Browsers always send Origin on a WebSocket upgrade; refusing foreign ones stops another site
 * from opening a socket with the visitor's session cookie. Clients that send no Origin (curl,
 * scripts, servers) are not browsers and authenticate with a token.
 */
export function originAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  if (allowed.includes("*") || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
