import { afterEach, describe, expect, it, vi } from "vitest";

import { isReadRequest, readRequest } from "@/lib/http/read-request";

afterEach(() => vi.unstubAllGlobals());

const make = () => readRequest("http://localhost/messages?x=1", "POST", new Headers({ authorization: "Bearer t", "content-type": "application/json" }), Buffer.from('{"a":1}'));

/** Counts the undici Requests built while `work` runs. */
function requestsBuiltDuring(work: () => void): number {
  let built = 0;
  vi.stubGlobal(
    "Request",
    class extends Request {
      constructor(...args: ConstructorParameters<typeof Request>) {
        super(...args);
        built++;
      }
    },
  );
  work();
  return built;
}

describe("a request whose body the server has read (lib/http/read-request.ts)", () => {
  it("is a Request with its URL, method, headers and the bytes read", () => {
    const request = make();
    expect(request).toBeInstanceOf(Request);
    expect(isReadRequest(request)).toBe(true);
    expect([request.url, request.method, request.headers.get("authorization"), request.received.toString()]).toEqual(["http://localhost/messages?x=1", "POST", "Bearer t", '{"a":1}']);
  });

  it("answers Request's other members as a Request of the same URL, method and headers would, without a body", async () => {
    const request = make();
    expect(request.signal).toBeInstanceOf(AbortSignal);
    expect([request.cache, request.redirect, request.body, request.bodyUsed]).toEqual(["default", "follow", null, false]);
    const copy = request.clone();
    expect([copy.url, copy.method, copy.headers.get("content-type")]).toEqual(["http://localhost/messages?x=1", "POST", "application/json"]);
    expect(await request.text()).toBe("");
  });

  it("builds no undici Request for its URL, method and headers, and one at most for the rest", () => {
    const request = make();
    expect(requestsBuiltDuring(() => void [request.url, request.method, request.headers.get("host")])).toBe(0);
    expect(requestsBuiltDuring(() => void [request.signal, request.cache, request.redirect])).toBe(1);
  });

  it("is not taken for a Request the server did not read", () => {
    expect(isReadRequest(new Request("http://localhost/"))).toBe(false);
    expect(isReadRequest(undefined)).toBe(false);
  });
});
