/**
 * `Response.json` that keeps the text it sends. The custom server writes that text straight to
 * the socket (lib/http/direct-routes) instead of reading it back out of the Web stream, which
 * cost as much as building the response; Next, and anyone else, reads the body as from any Response.
 */
export class JsonResponse extends Response {
  readonly serialized: string;

  constructor(value: unknown, init: ResponseInit = {}) {
    const serialized = JSON.stringify(value);
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    super(serialized, { ...init, headers });
    this.serialized = serialized;
  }
}
