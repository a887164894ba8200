import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_BODY_BYTES } from "@/lib/http/body";
import { JsonResponse } from "@/lib/http/json-response";
import { readRequest, type ReadRequest } from "@/lib/http/read-request";
import { log } from "@/lib/log";

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Response | Promise<Response>;

/**
 * A route module (its handlers exported by method) and the path it serves, its dynamic segments
 * as named groups. Its handlers read their bodies through lib/http/body (they get a ReadRequest,
 * whose bytes are already read) and answer JSON with a JsonResponse, whose text is written as is.
 */
export interface DirectRoute {
  pattern: RegExp;
  handlers: Record<string, unknown>;
}

/**
 * The body, read up to one byte past the limit: enough for the handler to answer 413, with the
 * rest left unread as the handler leaves it. A Web stream over Node's would cost more than
 * the handler's own work.
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  if (Number(request.headers["content-length"] ?? "0") > MAX_BODY_BYTES) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => {
      request.off("data", onData).off("end", finish).off("close", finish);
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return;
      request.pause();
      finish();
    };
    request.on("data", onData).once("end", finish).once("close", finish);
  });
}

async function toRequest(request: IncomingMessage): Promise<ReadRequest> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.set(name, value);
  }
  const withBody = request.method !== "GET" && request.method !== "HEAD";
  const url = `http://${request.headers.host ?? "localhost"}${request.url ?? "/"}`;
  return readRequest(url, request.method ?? "GET", headers, withBody ? await readBody(request) : Buffer.alloc(0));
}

async function writeResponse(response: ServerResponse, answer: Response): Promise<void> {
  response.statusCode = answer.status;
  for (const [name, value] of answer.headers) if (name !== "set-cookie") response.setHeader(name, value);
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) response.setHeader("set-cookie", cookies);
  response.end(answer instanceof JsonResponse ? answer.serialized : Buffer.from(await answer.arrayBuffer()));
}

/**
 * Serves route handlers straight from Node's request, as Next would call them: a Web Request
 * in, the Response written back. Returns the way to answer this request if one of `routes`
 * has a handler for its path and method, else null (Next answers it, and a method the route
 * does not export with its 405).
 */
export function directRoute(routes: DirectRoute[], request: IncomingMessage): ((response: ServerResponse) => Promise<void>) | null {
  const pathname = (request.url ?? "/").split("?", 1)[0]!;
  for (const { pattern, handlers } of routes) {
    const match = pattern.exec(pathname);
    const handler = match ? handlers[request.method ?? ""] : undefined;
    if (!match || typeof handler !== "function") continue;
    // The request guard has already refused paths that are not valid percent-encoding.
    const params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]));
    return async (response) => {
      try {
        await writeResponse(response, await (handler as RouteHandler)(await toRequest(request), { params: Promise.resolve(params) }));
      } catch (error) {
        log("error", "direct route failed", { error: error instanceof Error ? error.message : String(error) });
        if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ detail: "Internal server error" }));
      }
    };
  }
  return null;
}
