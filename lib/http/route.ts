import type { SignedIn } from "@/lib/auth/sessions";
import { identifyCaller } from "@/lib/http/caller";
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

const challenge = { "WWW-Authenticate": "Bearer" };

/**
 * Wraps an API route handler: the caller is identified once and rate limited first (429 past
 * the limit), every error becomes a JSON response with the right status, and every response
 * carries the rate-limit and CORS headers.
 */
export function apiRoute<Context>(handler: Handler<Context, PublicCaller>): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    let limitHeaders: Record<string, string> = {};
    let response: Response;
    try {
      const caller = await identifyCaller(request);
      const decision = await admit("api", { userId: caller.signedIn?.user.id, address: caller.address });
      limitHeaders = rateLimitHeaders(decision);
      response = decision.allowed
        ? await handler(request, { ...context, signedIn: caller.signedIn, address: caller.address })
        : jsonError(429, "Too many requests, slow down");
    } catch (error) {
      response = errorResponse(error);
    }
    for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
    return withCors(request, response);
  };
}

/** Like apiRoute, for handlers only a signed-in user may reach: 401 with a Bearer challenge otherwise. */
export function userRoute<Context>(handler: Handler<Context, UserCaller>): (request: Request, context: Context) => Promise<Response> {
  return apiRoute<Context>(async (request, context) => {
    const { signedIn, address } = context;
    if (!signedIn) {
      const sentToken = request.headers.has("authorization");
      throw new ApiError(401, sentToken ? "Invalid or expired token" : "Not authenticated", challenge);
    }
    return handler(request, { ...context, ...signedIn, address });
  });
}
