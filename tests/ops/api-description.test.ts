import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { signupSchema } from "@/lib/chat/schemas";

import { launchBrowser, newPage, screenshot } from "../e2e/browser";
import { startServer, type TestServer } from "../support/server";

interface OperationDoc {
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }> }>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, OperationDoc>>;
}

let server: TestServer;
let document: OpenApi;

beforeAll(async () => {
  server = await startServer();
  document = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApi;
});
afterAll(() => server.stop());

/** Every app/**\/route.ts as an OpenAPI path (`[id]` → `{id}`) with the HTTP methods it serves (see lib/http/methods). */
function routeHandlers(): { path: string; methods: string[] }[] {
  const files = readdirSync("app", { recursive: true, encoding: "utf8" }).filter((file) => path.basename(file) === "route.ts");
  return files.map((file) => {
    const segments = path.dirname(file).split(path.sep).filter((segment) => segment !== "." && !/^\(.*\)$/.test(segment));
    const source = readFileSync(path.join("app", file), "utf8");
    // The keys of the handlers given to routeMethods: `POST: …` or `GET(…) {…}`.
    const methods = [...source.matchAll(/\b(GET|POST|PUT|PATCH|DELETE)\b(?=:|\()/g)].map((match) => match[1]!.toLowerCase());
    return {
      path: `/${segments.map((segment) => segment.replace(/^\[(?:\.\.\.)?(\w+)\]$/, "{$1}")).join("/")}`,
      methods: [...new Set(methods)],
    };
  });
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document", () => {
    expect(document.openapi).toBe("3.1.0");
  });

  it("describes every route handler under app/, with each method it serves", () => {
    const handlers = routeHandlers();
    expect(handlers.length).toBeGreaterThan(10);
    for (const handler of handlers) {
      expect(Object.keys(document.paths[handler.path] ?? {}), handler.path).toEqual(expect.arrayContaining(handler.methods));
    }
  });

  it("states request bodies with the zod schemas that validate them", () => {
    const { $schema: _dialect, ...expected } = z.toJSONSchema(signupSchema, { io: "input" });
    expect(document.paths["/auth/signup"]!.post!.requestBody!.content["application/json"]!.schema).toEqual(expected);
  });

  it("gives every error status the {detail: string} shape", () => {
    const errors = Object.values(document.paths)
      .flatMap((operations) => Object.values(operations))
      .flatMap((operation) => Object.entries(operation.responses))
      .filter(([status, response]) => Number(status) >= 400 && response.content?.["application/json"]);
    expect(errors.length).toBeGreaterThan(20);
    for (const [, response] of errors) {
      const schema = response.content!["application/json"]!.schema!;
      expect(schema.required).toContain("detail");
      expect(schema.properties?.detail).toMatchObject({ type: "string" });
    }
  });

  it("lists the statuses a client meets: validation, authentication, rate limit, outage", () => {
    expect(Object.keys(document.paths["/messages"]!.post!.responses)).toEqual(
      expect.arrayContaining(["201", "400", "401", "403", "404", "409", "413", "422", "429", "503"]),
    );
  });
});

describe("GET /docs", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("renders an interactive reference of every path, loading nothing from another origin", async () => {
    const { context, page } = await newPage(browser, server.url);
    const foreign: string[] = [];
    const refused: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url)) foreign.push(request.url());
    });
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    const response = await page.goto("/docs");
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.locator(".opblock").first().waitFor();
    expect(await page.locator(".opblock").count()).toBe(
      Object.values(document.paths).reduce((total, operations) => total + Object.keys(operations).length, 0),
    );
    await page.locator(".opblock-summary", { hasText: "/auth/signup" }).click();
    await page.getByRole("button", { name: "Try it out" }).waitFor();
    await screenshot(page, "api-reference");
    expect(foreign).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
  }, 60_000);
});
