import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { MAX_BODY_BYTES, readJson } from "@/lib/http/body";
import { directRoute, type DirectRoute } from "@/lib/http/direct-routes";
import { errorResponse } from "@/lib/http/errors";
import { JsonResponse } from "@/lib/http/json-response";

/** A route module as the direct path serves them: Web Request in, Response out, errors as JSON. */
const echo = {
  async POST(request: Request, { params }: { params: Promise<Record<string, string>> }): Promise<Response> {
    try {
      const { text } = await readJson(request, z.object({ text: z.string() }));
      return new JsonResponse({ text, name: (await params).name }, { status: 201 }, request);
    } catch (error) {
      return errorResponse(error);
    }
  },
  GET(): Response {
    const headers = new Headers({ "content-type": "text/plain" });
    headers.append("set-cookie", "a=1");
    headers.append("set-cookie", "b=2");
    return new Response("plain text", { headers });
  },
};
const routes: DirectRoute[] = [{ pattern: /^\/echo\/(?<name>[^/]+)$/, handlers: echo }];

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const direct = directRoute(routes, request);
    if (direct) return void direct(response);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: BodyInit, path = "/echo/caf%C3%A9") =>
  fetch(`${url}${path}`, { method: "POST", body, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);

describe("routes served straight from Node's request", () => {
  it("hand the handler the body read off the socket and write its JSON answer as it was serialized", async () => {
    const response = await post(JSON.stringify({ text: "héllo" }));
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    const text = await response.text();
    expect(text).toBe('{"text":"héllo","name":"café"}');
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
  });

  it("answer a body that is not JSON with 400", async () => {
    const response = await post('{"text": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: "Request body must be valid JSON" });
  });

  it("answer a declared body over 64 KiB with 413, closing the connection", async () => {
    const response = await post(JSON.stringify({ text: "x".repeat(MAX_BODY_BYTES) }));
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
  });

  it("answer a body over 64 KiB sent without a length with 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 6; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    expect((await post(body)).status).toBe(413);
  });

  it("write any other Response from its body, every cookie kept", async () => {
    const response = await fetch(`${url}/echo/x`);
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe("plain text");
  });

  it("leave a path or method no route handles to the next handler", async () => {
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${url}/echo/x`, { method: "DELETE" })).status).toBe(404);
  });
});
