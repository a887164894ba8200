import type { IncomingMessage } from "node:http";

import proxyaddr from "proxy-addr";

import type { TrustProxy } from "@/lib/config";

type Trust = (address: string, hop: number) => boolean;

const compiled = new WeakMap<TrustProxy, Trust>();

/**
 * proxy-addr walks X-Forwarded-For from the right and stops at the first hop that is not a
 * trusted proxy, so a client cannot choose its address by writing the leftmost entry itself.
 */
function trustOf(trustProxy: TrustProxy): Trust {
  let trust = compiled.get(trustProxy);
  if (!trust) {
    trust = "hops" in trustProxy ? (_address: string, hop: number) => hop < trustProxy.hops : proxyaddr.compile(trustProxy.addresses);
    compiled.set(trustProxy, trust);
  }
  return trust;
}

/** The client's address as the trusted proxies in front report it, else the peer's own. */
export function clientAddress(request: IncomingMessage, trustProxy: TrustProxy): string {
  if (!request.socket.remoteAddress) return "unknown";
  return proxyaddr(request, trustOf(trustProxy)).replace(/^::ffff:/, "");
}

/** Whether the peer is a trusted proxy, whose X-Forwarded-Host and -Proto may be believed. */
export function fromTrustedProxy(request: IncomingMessage, trustProxy: TrustProxy): boolean {
  const peer = request.socket.remoteAddress;
  return peer !== undefined && trustOf(trustProxy)(peer, 0);
}
