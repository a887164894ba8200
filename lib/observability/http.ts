import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

import type { TrustProxy } from "@/lib/config";
import { clientAddress } from "@/lib/http/client-address";
import { KNOWN_METHODS as ALLOWED_METHODS } from "@/lib/http/request-guard";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { runWithRequestContext, type RequestContext } from "@/lib/observability/request-context";
import type { RouteLabeler } from "@/lib/observability/route-patterns";

const KNOWN_METHODS = new Set<string>(ALLOWED_METHODS);
const REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers["x-request-id"];
  return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

function pathnameOf(url: string | undefined): string {
  const pathname = (url ?? "/").split("?", 1)[0];
  return pathname || "/";
}

export interface ObserveOptions {
  labelRoute: RouteLabeler;
  trustProxy: TrustProxy;
}

/**
 * Wraps the HTTP handler so that every request gets a request id, a context that route
 * handlers can read, one log line and its metrics, whatever part of Next answers it.
 */
export function observeRequests(handler: RequestListener, options: ObserveOptions): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const started = process.hrtime.bigint();
    const context: RequestContext = {
      requestId: requestIdOf(request),
      clientIp: clientAddress(request, options.trustProxy),
    };
    response.setHeader("X-Request-Id", context.requestId);
    response.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = KNOWN_METHODS.has(request.method ?? "") ? request.method! : "OTHER";
      const pathname = pathnameOf(request.url);
      const route = options.labelRoute(pathname);
      // A client that hung up before the response ended is told apart from one that got it.
      const aborted = !response.writableFinished;
      const status = aborted ? "aborted" : String(response.statusCode);
      metrics.httpRequestsTotal.inc({ method, route, status });
      metrics.httpRequestDuration.observe({ method, route, status }, seconds);
      log("info", "http request", {
        method,
        route,
        path: pathname,
        status: response.statusCode,
        ...(aborted ? { aborted } : {}),
        duration_ms: Math.round(seconds * 1e5) / 100,
        user_id: context.userId ?? null,
        request_id: context.requestId,
        ip: context.clientIp,
      });
    });
    runWithRequestContext(context, () => handler(request, response));
  };
}
