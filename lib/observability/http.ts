import { randomUUID } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { TrustProxy } from "@/lib/config";
import { clientAddress } from "@/lib/http/client-address";
import { KNOWN_METHODS as ALLOWED_METHODS } from "@/lib/http/request-guard";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { enterRequestContext, type RequestContext } from "@/lib/observability/request-context";
import type { RouteLabeler } from "@/lib/observability/route-patterns";
import { processSingleton } from "@/lib/process-singleton";

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
  /** Built on the first request: the route table exists only once Next has prepared. */
  labelRoute: () => RouteLabeler;
  trustProxy: TrustProxy;
}

interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
}

function observe(request: IncomingMessage, response: ServerResponse, options: ObserveOptions, labelRoute: RouteLabeler): void {
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
    const route = labelRoute(pathname);
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
  // Node publishes this just before it emits "request", in the same tick, so the context
  // entered here is the one the request handler (and every route handler below it) runs in.
  enterRequestContext(context);
}

/** An exception here would be thrown from Node's HTTP parser: without a route table, label none. */
function buildLabeler(build: () => RouteLabeler): RouteLabeler {
  try {
    return build();
  } catch (error) {
    log("warn", "no route table: requests are labelled unmatched", { error: error instanceof Error ? error.message : String(error) });
    return () => "unmatched";
  }
}

/**
 * Gives every request of every HTTP server in this process a request id, a context that route
 * handlers can read, one log line and its metrics, whichever server answers it: server.ts in
 * Node and in the container, `next start` on the Vercel-style path. Subscribing twice (Next
 * re-runs register() in development) changes nothing.
 */
export function observeHttpRequests(options: ObserveOptions): void {
  const state = processSingleton("http-observer", () => ({ subscribed: false }));
  if (state.subscribed) return;
  state.subscribed = true;
  let labelRoute: RouteLabeler | null = null;
  subscribe("http.server.request.start", (message) => {
    const { request, response } = message as RequestStart;
    labelRoute ??= buildLabeler(options.labelRoute);
    observe(request, response, options, labelRoute);
  });
}
