import { withCors } from "@/lib/http/cors";
import { errorResponse, jsonError } from "@/lib/http/errors";
import { limitApiRequest, rateLimitHeaders } from "@/lib/http/rate-limit";

type Handler<Context> = (request: Request, context: Context) => Promise<Response>;

/**
 * Wraps an API route handler: the caller is rate limited first (429 past the limit), every
 * error becomes a JSON response with the right status, and every response carries the
 * rate-limit and CORS headers.
 */
export function apiRoute<Context>(handler: Handler<Context>): Handler<Context> {
  return async (request, context) => {
    let limitHeaders: Record<string, string> = {};
    let response: Response;
    try {
      const decision = await limitApiRequest(request);
      limitHeaders = rateLimitHeaders(decision);
      response = decision.allowed ? await handler(request, context) : jsonError(429, "Too many requests, slow down");
    } catch (error) {
      response = errorResponse(error);
    }
    for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
    return withCors(request, response);
  };
}
