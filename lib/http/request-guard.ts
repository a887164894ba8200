import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

import type { TrustProxy } from "@/lib/config";
import { fromTrustedProxy } from "@/lib/http/client-address";
import { baselineSecurityHeaders } from "@/lib/http/security-headers";

/** Every method some route answers; anything else (TRACE, CONNECT, made-up ones) is refused up front. */
export const KNOWN_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const known = new Set<string>(KNOWN_METHODS);

/** Headers that only a proxy in front may set; from anyone else they would be the client's word. */
const FORWARDED_HEADERS = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"];

function refuse(response: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ detail });
  response.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}

function decodablePath(url: string | undefined): boolean {
  const pathname = (url ?? "/").split("?", 1)[0]!;
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** The host the client addressed: the proxy's X-Forwarded-Host when trusted, else Host. */
function requestedHost(request: IncomingMessage): string | undefined {
  const forwarded = request.headers["x-forwarded-host"];
  return (typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined) || request.headers.host;
}

/** A server action posted from a page of another site, which the visitor's cookie would otherwise authorise. */
function crossOriginAction(request: IncomingMessage): boolean {
  if (request.headers["next-action"] === undefined) return false;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== requestedHost(request);
  } catch {
    return true;
  }
}

/**
 * Adds each header the response has not set by the time its head is written: pages (their
 * nonce-based CSP) and routes that serve their own policy (/docs) keep theirs, everything else
 * gets the baseline. Node writes an implicit head through writeHead too.
 */
function withDefaultHeaders(response: ServerResponse, headers: Record<string, string>): void {
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse["writeHead"]>) {
    for (const [name, value] of Object.entries(headers)) if (!this.hasHeader(name)) this.setHeader(name, value);
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

/**
 * The first thing every HTTP request meets: it gets the security headers, and requests no
 * route could answer sensibly are refused here with a JSON 4xx rather than reaching Next.js,
 * which answers some of them with a 500.
 */
export function guardRequests(handler: RequestListener, trustProxy: TrustProxy): RequestListener {
  return (request, response) => {
    const trusted = fromTrustedProxy(request, trustProxy);
    if (!trusted) for (const name of FORWARDED_HEADERS) delete request.headers[name];
    const https = "encrypted" in request.socket || (trusted && request.headers["x-forwarded-proto"] === "https");
    withDefaultHeaders(response, baselineSecurityHeaders(https));

    if (!known.has(request.method ?? "")) {
      return refuse(response, 405, `Method ${request.method} is not allowed`, { Allow: KNOWN_METHODS.join(", ") });
    }
    if (!decodablePath(request.url)) return refuse(response, 400, "The request path is not valid percent-encoding");
    if (crossOriginAction(request)) return refuse(response, 403, "Server actions may only be called from this site's own pages");
    return handler(request, response);
  };
}
