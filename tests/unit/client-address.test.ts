import type { IncomingMessage } from "node:http";

import { describe, expect, it } from "vitest";

import { clientAddress, fromTrustedProxy } from "@/lib/http/client-address";

function request(peer: string, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor };
  const socket = { remoteAddress: peer };
  return { headers, socket, connection: socket } as unknown as IncomingMessage;
}

describe("client address", () => {
  it("is the peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress(request("203.0.113.9", "198.51.100.1"), { hops: 0 })).toBe("203.0.113.9");
  });

  it("is the entry the one trusted proxy appended, not the leftmost the client wrote", () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    expect(clientAddress(request("10.0.0.2", "1.2.3.4, 203.0.113.9"), { hops: 1 })).toBe("203.0.113.9");
  });

  it("counts trusted hops from the right", () => {
    expect(clientAddress(request("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.7"), { hops: 2 })).toBe("203.0.113.9");
  });

  it("trusts proxies by address and stops at the first one it does not know", () => {
    const trust = { addresses: ["10.0.0.0/8"] };
    expect(clientAddress(request("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.7"), trust)).toBe("203.0.113.9");
    expect(clientAddress(request("192.0.2.1", "1.2.3.4"), trust)).toBe("192.0.2.1");
  });

  it("writes IPv4-mapped IPv6 peers as plain IPv4", () => {
    expect(clientAddress(request("::ffff:127.0.0.1"), { hops: 0 })).toBe("127.0.0.1");
  });

  it("believes forwarded headers only from a trusted peer", () => {
    expect(fromTrustedProxy(request("10.0.0.2"), { hops: 0 })).toBe(false);
    expect(fromTrustedProxy(request("10.0.0.2"), { hops: 1 })).toBe(true);
    expect(fromTrustedProxy(request("192.0.2.1"), { addresses: ["10.0.0.0/8"] })).toBe(false);
    expect(fromTrustedProxy(request("10.0.0.2"), { addresses: ["10.0.0.0/8"] })).toBe(true);
  });
});
