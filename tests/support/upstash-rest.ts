import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { createClient, ErrorReply } from "redis";

/**
 * Serves the Upstash REST protocol (what @upstash/redis speaks) in front of a real Redis, so
 * @upstash/ratelimit can be tested unmodified against redis-server. No npm package provides
 * this; it covers what the rate limiter sends: single commands on `/`, `/pipeline`,
 * bearer-token auth and the base64 response encoding.
 *
 * @upstash/ratelimit (2.1+) starts its Lua scripts with `#!lua flags=allow-key-locking`, a
 * flag only Upstash knows (open-source Redis refuses the script). It only lets Upstash lock
 * per key instead of globally, so the bridge drops it, and answers EVALSHA of the original
 * script's hash as Upstash would.
 */
export interface UpstashRestBridge {
  url: string;
  token: string;
  stop(): Promise<void>;
}

type Reply = string | number | null | Reply[];
type Outcome = { result: Reply } | { error: string };

function toReply(value: unknown): Reply {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "boolean") return Number(value);
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (Array.isArray(value)) return value.map(toReply);
  return String(value);
}

function base64(reply: Reply): Reply {
  if (typeof reply === "string") return Buffer.from(reply, "utf8").toString("base64");
  if (Array.isArray(reply)) return reply.map(base64);
  return reply;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
}

function isCommand(value: unknown): value is (string | number)[] {
  return Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === "string" || typeof part === "number");
}

const UPSTASH_ONLY_FLAG = /^#!lua flags=allow-key-locking[^\n]*\n/;

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

export async function startUpstashRestBridge(redisUrl: string, token = "test-token"): Promise<UpstashRestBridge> {
  const client = createClient({ url: redisUrl });
  await client.connect();

  const scripts = new Map<string, string>();

  /** Rewrites the scripts Upstash accepts into ones redis-server accepts. */
  const translate = (command: string[]): string[] => {
    const [name, first, ...rest] = command;
    const verb = name?.toUpperCase();
    if (verb === "EVAL" && first !== undefined && UPSTASH_ONLY_FLAG.test(first)) {
      const script = first.replace(UPSTASH_ONLY_FLAG, "");
      scripts.set(sha1(first), script);
      return [name!, script, ...rest];
    }
    if (verb === "EVALSHA" && first !== undefined && scripts.has(first)) return [name!, sha1(scripts.get(first)!), ...rest];
    return command;
  };

  const run = async (command: (string | number)[], encode: boolean): Promise<Outcome> => {
    try {
      const reply = toReply(await client.sendCommand(translate(command.map(String))));
      return { result: encode ? base64(reply) : reply };
    } catch (error) {
      if (error instanceof ErrorReply) return { error: error.message };
      throw error;
    }
  };

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.authorization !== `Bearer ${token}`) return send(response, 401, { error: "Unauthorized" });
    if (request.method !== "POST") return send(response, 405, { error: "Method not allowed" });
    const encode = String(request.headers["upstash-encoding"]).toLowerCase() === "base64";
    const body = await readBody(request);
    const path = (request.url ?? "/").split("?", 1)[0];
    if (path === "/") {
      if (!isCommand(body)) return send(response, 400, { error: "ERR body must be a command array" });
      const outcome = await run(body, encode);
      return send(response, "error" in outcome ? 400 : 200, outcome);
    }
    if (path !== "/pipeline") return send(response, 404, { error: "Not found" });
    if (!Array.isArray(body) || !body.every(isCommand)) return send(response, 400, { error: "ERR body must be an array of commands" });
    const outcomes: Outcome[] = [];
    for (const command of body) outcomes.push(await run(command, encode));
    return send(response, 200, outcomes);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.quit();
    },
  };
}
