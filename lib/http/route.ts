import { sessionEnded } from "@/lib/auth/ended-sessions";
import { liveSession, type SignedIn } from "@/lib/auth/sessions";
import { identifyCaller, identifyTokenHolder, type TokenHolderCaller } from "@/lib/http/caller";
import { withCors } from "@/lib/http/cors";
import { ApiError, errorResponse, jsonError } from "@/lib/http/errors";
import { rateLimitHeaders } from "@/lib/http/rate-limit";
import { admit } from "@/lib/ratelimit/gate";

type Handler<Context, Caller> = (request: Request, context: Context & Caller) => Promise<Response>;

/** What every API handler is told about its caller. */
export interface PublicCaller {
  signedIn: SignedIn | null;
  address: string;
}

export interface UserCaller extends SignedIn {
  address: string;
}

/** What a tokenHolderRoute handler is told: whom a valid access token names, its session not read yet. */
export interface TokenHolder {
  userId: string;
  sessionId: string;
  address: string;
}

const challenge = { "WWW-Authenticate": "Bearer" };

/** The 401 of a request no live session stands behind. */
function notSignedIn(request: Request): ApiError {
  const sentToken = request.headers.has("authorization");
  return new ApiError(401, sentToken ? "Invalid or expired token" : "Not authenticated", challenge);
}

/**
 * The caller is identified once (`identify`, which names the user the rate limit counts
 * against) and rate limited first (429 past the limit), every error becomes a JSON response
 * with the right status, and every response carries the rate-limit and CORS headers.
 */
function guardedRoute<Context, Caller extends { address: string }>(
  identify: (request: Request) => Promise<{ caller: Caller; userId: string | undefined }>,
  handler: Handler<Context, Caller>,
): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    let limitHeaders: Record<string, string> = {};
    let response: Response;
    try {
      const { caller, userId } = await identify(request);
      const decision = await admit("api", { userId, address: caller.address });
      limitHeaders = rateLimitHeaders(decision);
      response = decision.allowed ? await handler(request, { ...context, ...caller }) : jsonError(429, "Too many requests, slow down");
    } catch (error) {
      response = errorResponse(error);
    }
    for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
    return withCors(request, response);
  };
}

/** Wraps an API route handler (see guardedRoute); the caller is signed in when a valid access token of a live session came. */
export function apiRoute<Context>(handler: Handler<Context, PublicCaller>): (request: Request, context: Context) => Promise<Response> {
  return guardedRoute<Context, PublicCaller>(async (request) => {
    const caller = await identifyCaller(request);
    return { caller, userId: caller.signedIn?.user.id };
  }, handler);
}

/** Like apiRoute, for handlers only a signed-in user may reach: 401 with a Bearer challenge otherwise. */
export function userRoute<Context>(handler: Handler<Context, UserCaller>): (request: Request, context: Context) => Promise<Response> {
  return apiRoute<Context>(async (request, context) => {
    const { signedIn, address } = context;
    if (!signedIn) throw notSignedIn(request);
    return handler(request, { ...context, ...signedIn, address });
  });
}

/**
 * Like userRoute, for a handler whose work checks the caller's session itself, in the unit of
 * work that does it (POST /messages: see sendMessage): the round trip to the database that
 * reads the session before anything else is saved. The handler is given whom a valid access
 * token names; any error it answers with is answered only once the session has been read, so
 * that a token whose session no longer stands is told 401 first, as userRoute would tell it.
 */
export function tokenHolderRoute<Context>(handler: Handler<Context, TokenHolder>): (request: Request, context: Context) => Promise<Response> {
  return guardedRoute<Context, TokenHolderCaller>(
    async (request) => {
      const caller = await identifyTokenHolder(request);
      return { caller, userId: caller.holder?.userId };
    },
    async (request, context) => {
      const { holder, address } = context;
      if (!holder) throw notSignedIn(request);
      try {
        return await handler(request, { ...context, userId: holder.userId, sessionId: holder.sessionId, address });
      } catch (error) {
        if (await liveSession(holder.userId, holder.sessionId)) throw error;
        sessionEnded(holder.sessionId);
        throw notSignedIn(request);
      }
    },
  );
}
