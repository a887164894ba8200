import type { z } from "zod";

import { describeZodError } from "@/lib/chat/schemas";
import { ApiError } from "@/lib/http/errors";
import { isReadRequest } from "@/lib/http/read-request";

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The rest of an oversized body is never read, so the connection cannot carry another request:
 * telling the client to close it keeps it from reusing a socket the server will drop.
 */
function tooLarge(limit: number): ApiError {
  return new ApiError(413, `Request body is larger than ${limit} bytes`, { Connection: "close" });
}

async function readLimited(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (isReadRequest(request)) {
    if (request.received.byteLength > limit) throw tooLarge(limit);
    return request.received.toString("utf8");
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a JSON body of at most 64 KiB and validates it: 413, 400 or 422 otherwise. */
export async function readJson<Schema extends z.ZodType>(request: Request, schema: Schema): Promise<z.output<Schema>> {
  return parseJson(await readLimited(request, MAX_BODY_BYTES), schema);
}

function parseJson<Schema extends z.ZodType>(text: string, schema: Schema): z.output<Schema> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "Request body must be valid JSON");
  }
  return parseInput(schema, value);
}

/** Like readJson for endpoints whose body is optional: no body at all reads as `{}`. */
export async function readJsonOrEmpty<Schema extends z.ZodType>(request: Request, schema: Schema): Promise<z.output<Schema>> {
  const text = await readLimited(request, MAX_BODY_BYTES);
  if (text.trim() === "") return parseInput(schema, {});
  return parseJson(text, schema);
}

export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(422, describeZodError(parsed.error));
  return parsed.data;
}

export function searchParams(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
