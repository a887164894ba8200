import { DomainError, type DomainErrorCode } from "@/lib/chat/errors";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { JsonResponse } from "@/lib/http/json-response";
import { log } from "@/lib/log";
import { currentRequest } from "@/lib/observability/request-context";
import { RateLimited } from "@/lib/ratelimit/gate";

/** An error that becomes a `{"detail": ...}` response with its own status. */
export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const STATUS_OF: Record<DomainErrorCode, number> = {
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
};

export function jsonError(status: number, detail: string, headers: Record<string, string> = {}): Response {
  return new JsonResponse({ detail }, { status, headers });
}

/** Maps what a handler threw to a response; anything unexpected is a 500 that is logged. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return jsonError(error.status, error.detail, error.headers);
  if (error instanceof DomainError) {
    const headers: Record<string, string> = error.code === "unauthorized" ? { "WWW-Authenticate": "Bearer" } : {};
    return jsonError(STATUS_OF[error.code], error.message, headers);
  }
  if (error instanceof RateLimited) {
    return jsonError(429, error.message, { "Retry-After": String(error.retryAfter) });
  }
  if (isDatabaseUnavailable(error)) {
    return jsonError(503, "The database is unavailable; try again shortly", { "Retry-After": "1" });
  }
  log("error", "unhandled error in route handler", {
    request_id: currentRequest()?.requestId,
    error: error instanceof Error ? error.stack : String(error),
  });
  return jsonError(500, "Internal server error");
}
