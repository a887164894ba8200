import { subscribe } from "node:diagnostics_channel";
import { STATUS_CODES, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

import { parseAndValidateFlightRouterState } from "next/dist/server/app-render/parse-and-validate-flight-router-state.js";

import type { TrustProxy } from "@/lib/config";
import { fromTrustedProxy } from "@/lib/http/client-address";
import { baselineSecurityHeaders, defaultContentSecurityPolicy } from "@/lib/http/security-headers";
import { processSingleton } from "@/lib/process-singleton";

/** Every method some route answers; anything else (TRACE, CONNECT, made-up ones) is refused up front. */
export const KNOWN_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const known = new Set<string>(KNOWN_METHODS);
/** The Allow of a refusal that no route is asked about: every method some route answers. */
const ALLOW_KNOWN = { Allow: KNOWN_METHODS.join(", ") };

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

/** A server is reached under one name or a few: the last one found buildable is not parsed again on each request. */
let lastBuildableHost: string | undefined;

/**
 * Whether URLs can be built from the Host (or trusted X-Forwarded-Host) header: Next.js and
 * next-auth build the request's URL from it and answer a 500 when they cannot.
 */
function buildableHost(value: string | undefined): boolean {
  if (value === undefined || value === lastBuildableHost) return true;
  try {
    const url = new URL(`http://${value}/`);
    if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return false;
  } catch {
    return false;
  }
  lastBuildableHost = value;
  return true;
}

/** Next.js answers a router state header it cannot parse (sent by its client on navigation) with a 500. */
function unreadableRouterState(request: IncomingMessage): boolean {
  const header = request.headers["next-router-state-tree"];
  if (header === undefined) return false;
  try {
    parseAndValidateFlightRouterState(header);
    return false;
  } catch {
    return true;
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
  // Browsers that leave Origin out still say where the request came from.
  if (request.headers["sec-fetch-site"] === "cross-site") return true;
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
    if (!this.hasHeader("content-security-policy")) {
      this.setHeader("Content-Security-Policy", defaultContentSecurityPolicy(String(this.getHeader("content-type") ?? "")));
    }
    return writeHead.apply(this, args);
  } as ServerResponse["writeHead"];
}

/**
 * The first thing every HTTP request meets: it gets the security headers, and requests no
 * route could answer sensibly are refused here with a JSON 4xx rather than reaching Next.js,
 * which answers some of them with a 500.
 */
function guardRequests(handler: RequestListener, trustProxy: TrustProxy): RequestListener {
  return (request, response) => {
    const trusted = fromTrustedProxy(request, trustProxy);
    if (!trusted) for (const name of FORWARDED_HEADERS) delete request.headers[name];
    const https = "encrypted" in request.socket || (trusted && request.headers["x-forwarded-proto"] === "https");
    withDefaultHeaders(response, baselineSecurityHeaders(https));

    if (!known.has(request.method ?? "")) {
      return refuse(response, 405, `Method ${request.method} is not allowed`, ALLOW_KNOWN);
    }
    if (request.url === "*") {
      // The asterisk form asks about the server as a whole, which only OPTIONS may.
      if (request.method === "OPTIONS") return void response.writeHead(204, ALLOW_KNOWN).end();
      return refuse(response, 400, "The request target * is only for OPTIONS");
    }
    if (!decodablePath(request.url)) return refuse(response, 400, "The request path is not valid percent-encoding");
    if (!buildableHost(request.headers.host) || !buildableHost(requestedHost(request))) {
      return refuse(response, 400, "The Host header is not a valid host");
    }
    if (unreadableRouterState(request)) return refuse(response, 400, "The Next-Router-State-Tree header cannot be parsed");
    if (crossOriginAction(request)) return refuse(response, 403, "Server actions may only be called from this site's own pages");
    return handler(request, response);
  };
}

/**
 * Answers on a bare socket (one no request listener will answer: an upgrade, or what Node could
 * not parse) with a JSON error, then closes it.
 */
export function answerRaw(socket: Duplex, status: number, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ detail });
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/**
 * What Node's parser could not read never reaches a request listener: by default Node answers
 * it with a bare 400 (a made-up method among them). It gets the same JSON answers as the rest.
 */
function answerUnreadable(error: Error & { code?: string }, socket: Duplex): void {
  // Mid-response on a kept-alive socket, nothing more can be said on it (Node's own rule).
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) return void socket.destroy();
  if (error.code === "HPE_INVALID_METHOD") {
    return answerRaw(socket, 405, "The request method is not allowed", ALLOW_KNOWN);
  }
  if (error.code === "HPE_HEADER_OVERFLOW") return answerRaw(socket, 431, "The request headers are too large");
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return answerRaw(socket, 408, "The request took too long to arrive");
  answerRaw(socket, 400, "The request could not be read as HTTP");
}

/** CONNECT (a proxy's tunnel) is served by no route; unanswered, Node would drop the socket without a word. */
function refuseConnect(_request: IncomingMessage, socket: Duplex): void {
  answerRaw(socket, 405, "Method CONNECT is not allowed", ALLOW_KNOWN);
}

/** The servers whose upgrades a WebSocket server of this app answers (server.ts's, see attachRealtime). */
function upgradesServed(): WeakSet<Server> {
  return processSingleton("upgrades-served", () => new WeakSet<Server>());
}

/** Marks `server` as one whose upgrades the app answers itself. */
export function servesUpgrades(server: Server): void {
  upgradesServed().add(server);
}

/**
 * Under `next start` no WebSocket server runs, and Next leaves an upgrade it does not route
 * open, for a custom server that might be listening: the client would wait on it for good.
 */
function refuseUpgrade(_request: IncomingMessage, socket: Duplex): void {
  answerRaw(socket, 404, "No WebSocket is served here; live updates come through the event stream at /events");
}

/**
 * Puts the guard in front of every HTTP server of this process, server.ts's and the one
 * `next start` creates, which offers no hook of its own before Next's handler (and Next answers
 * TRACE or a malformed path with a 500 before the proxy runs). Node publishes this channel just
 * before it emits "request", so request listeners wrapped here already serve that request.
 */
export function guardHttpServers(trustProxy: TrustProxy): void {
  const state = processSingleton("http-guard", () => ({ subscribed: false, guarded: new WeakSet<Server>() }));
  if (state.subscribed) return;
  state.subscribed = true;
  subscribe("http.server.request.start", (message) => {
    const { server } = message as { server: Server };
    if (state.guarded.has(server)) return;
    state.guarded.add(server);
    server.on("clientError", answerUnreadable);
    server.on("connect", refuseConnect);
    if (!upgradesServed().has(server)) server.on("upgrade", refuseUpgrade);
    for (const listener of server.listeners("request") as RequestListener[]) {
      server.removeListener("request", listener);
      server.on("request", guardRequests(listener, trustProxy));
    }
  });
}
