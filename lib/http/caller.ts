import { hasSessionEnded } from "@/lib/auth/ended-sessions";
import { authenticateAccessToken, type SignedIn } from "@/lib/auth/sessions";
import { bearerToken, verifyToken, type TokenClaims } from "@/lib/auth/tokens";
import { currentRequest } from "@/lib/observability/request-context";

/** Who sent a request: the signed-in user when a valid access token of a live session came with it. */
export interface RequestCaller {
  signedIn: SignedIn | null;
  address: string;
}

/** The client address server.ts worked out for this request (see lib/http/client-address). */
export function requestAddress(): string {
  return currentRequest()?.clientIp ?? "unknown";
}

/** Identifies the caller once per request; a made-up token identifies nobody, so it cannot pick a fresh rate-limit key. */
export async function identifyCaller(request: Request): Promise<RequestCaller> {
  const token = bearerToken(request.headers.get("authorization"));
  const signedIn = token ? await authenticateAccessToken(token) : null;
  const context = currentRequest();
  if (signedIn && context) context.userId = signedIn.user.id;
  return { signedIn, address: requestAddress() };
}

/**
 * Whom a request's access token names, when it is a valid one of a session not known to have
 * ended; whether its session stands is not read (see tokenHolderRoute).
 */
export interface TokenHolderCaller {
  holder: TokenClaims | null;
  address: string;
}

export async function identifyTokenHolder(request: Request): Promise<TokenHolderCaller> {
  const token = bearerToken(request.headers.get("authorization"));
  const claims = token ? await verifyToken(token, "access") : null;
  const holder = claims && !hasSessionEnded(claims.sessionId) ? claims : null;
  const context = currentRequest();
  if (holder && context) context.userId = holder.userId;
  return { holder, address: requestAddress() };
}
