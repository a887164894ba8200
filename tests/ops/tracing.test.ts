import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser, postMessage } from "../support/api";
import { startServer, type TestServer } from "../support/server";

interface ExportedSpan {
  name: string;
}
interface TraceExport {
  resourceSpans?: { scopeSpans?: { spans?: ExportedSpan[] }[] }[];
}

let collector: Server;
const exports: TraceExport[] = [];
let server: TestServer;

beforeAll(async () => {
  // A minimal OTLP/HTTP receiver: it records what arrives on /v1/traces.
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/v1/traces") {
        exports.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as TraceExport);
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const { port } = collector.address() as AddressInfo;
  server = await startServer({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: "100" },
  });
});
afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => collector.close(resolve));
});

function spanNames(): string[] {
  return exports.flatMap((batch) =>
    (batch.resourceSpans ?? []).flatMap((resource) =>
      (resource.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => span.name)),
    ),
  );
}

async function waitForSpan(match: (name: string) => boolean): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const found = spanNames().find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no matching span among: ${spanNames().join(", ")}`);
}

describe("tracing over OTLP/HTTP", () => {
  it("exports a span for each HTTP request and for the database calls it makes", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    expect((await postMessage(server.url, alice, conversationId, "traced")).status).toBe(201);
    expect(await waitForSpan((name) => name === "db.insertMessage")).toBeTruthy();
    expect(await waitForSpan((name) => /^POST \/messages/.test(name))).toBeTruthy();
  });
});
