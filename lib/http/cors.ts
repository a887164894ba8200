import { getConfig } from "@/lib/config";

const ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id";
const EXPOSED_HEADERS = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id, WWW-Authenticate";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

/** The value for Access-Control-Allow-Origin, or null when the origin is not allowed. */
export function allowedOrigin(origin: string | null, allowed: string[] = getConfig().corsOrigins): string | null {
  if (allowed.includes("*")) return "*";
  return origin && allowed.includes(origin) ? origin : null;
}

function corsHeaders(request: Request): Headers {
  const headers = new Headers();
  const { corsOrigins } = getConfig();
  // Responses differ per Origin whenever the answer depends on it, so caches must key on it.
  if (!corsOrigins.includes("*")) headers.set("Vary", "Origin");
  const origin = allowedOrigin(request.headers.get("origin"), corsOrigins);
  if (origin) headers.set("Access-Control-Allow-Origin", origin);
  return headers;
}

/** Adds the CORS headers of an API response (tokens travel in headers, so no credentials). */
export function withCors(request: Request, response: Response): Response {
  const headers = corsHeaders(request);
  if (headers.has("Access-Control-Allow-Origin")) headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  headers.forEach((value, name) => response.headers.set(name, value));
  return response;
}

/**
 * Answers a browser's preflight for a route that allows `methods` (see lib/http/methods); an
 * origin that is not allowed gets no Allow-Origin and is refused by the browser.
 */
export function preflight(request: Request, methods: string): Response {
  const headers = corsHeaders(request);
  if (headers.has("Access-Control-Allow-Origin")) {
    headers.set("Access-Control-Allow-Methods", methods);
    headers.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    headers.set("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS);
  }
  headers.set("Allow", methods);
  return new Response(null, { status: 204, headers });
}
