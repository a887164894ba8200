import { isReadRequest } from "@/lib/http/read-request";

/**
 * `Response.json` that keeps the text it sends, which the custom server writes straight to the
 * socket (lib/http/direct-routes). Answering a request that server built (a ReadRequest), it
 * needs no Web stream body, whose making cost as much as the rest of the response; answering
 * any other (Next's, or none given), it has the body Next and anyone else read as usual.
 */
export class JsonResponse extends Response {
  readonly serialized: string;

  constructor(value: unknown, init: ResponseInit = {}, answering?: Request) {
    const serialized = JSON.stringify(value);
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    super(isReadRequest(answering) ? null : serialized, { ...init, headers });
    this.serialized = serialized;
  }
}
