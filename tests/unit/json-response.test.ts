import { describe, expect, it } from "vitest";

import { JsonResponse } from "@/lib/http/json-response";
import { readRequest } from "@/lib/http/read-request";

describe("JSON answers", () => {
  it("carry their body for Next, answering a request Next built", async () => {
    const response = new JsonResponse({ ok: "ja" }, { status: 201 }, new Request("http://localhost/messages", { method: "POST" }));
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ ok: "ja" });
  });

  it("carry their body when they answer no request in particular", async () => {
    expect(await new JsonResponse({ detail: "no" }, { status: 429 }).json()).toEqual({ detail: "no" });
  });

  it("keep only their text for the custom server, answering a request it built", () => {
    const request = readRequest("http://localhost/messages", "POST", new Headers(), Buffer.from("{}"));
    const response = new JsonResponse({ ok: "ja" }, {}, request);
    expect(response.body).toBeNull();
    expect(response.serialized).toBe('{"ok":"ja"}');
  });

  it("keep a content type they were given", () => {
    expect(new JsonResponse({}, { headers: { "Content-Type": "application/problem+json" } }).headers.get("content-type")).toBe("application/problem+json");
  });
});
