import { MAX_BODY_BYTES } from "@/lib/http/body";

/**
 * Server actions of this app take plain JSON-like arguments, which React sends as one
 * text/plain body: a JSON array of the arguments, where strings starting with "$" are React's
 * own tags. Next.js answers a body it cannot decode with a 500, so what could not have come
 * from the app's pages is refused before it gets there.
 */

/**
 * How deep the arguments may nest, far past what the app's own actions send: Next.js decodes
 * them recursively, and a body of a few thousand nested arrays would overflow its stack.
 */
const MAX_DEPTH = 32;

/** Whether `value` nests deeper than `room` more levels; it never descends further than that. */
function nestsDeeper(value: unknown, room: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (room === 0) return true;
  return Object.values(value).some((inner) => nestsDeeper(inner, room - 1));
}

/** The tags one text/plain body can carry; the others point at parts only a multipart body has. */
const INLINE_TAG = /^\$(\$|undefined$|NaN$|Infinity$|-Infinity$|-0$|D|n-?\d+$)/;

function badTag(value: unknown): boolean {
  if (typeof value === "string") return value.startsWith("$") && !INLINE_TAG.test(value);
  if (Array.isArray(value)) return value.some(badTag);
  if (typeof value === "object" && value !== null) return Object.values(value).some(badTag);
  return false;
}

/** Why an action request's body is refused, with its status, or null when Next.js may decode it. */
export function actionBodyProblem(contentType: string | null, body: string): { status: number; detail: string } | null {
  if (!(contentType ?? "").toLowerCase().startsWith("text/plain")) {
    return { status: 400, detail: "Server action arguments must be sent as text/plain JSON" };
  }
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
    return { status: 413, detail: `Request body is larger than ${MAX_BODY_BYTES} bytes` };
  }
  let args: unknown;
  try {
    args = JSON.parse(body);
  } catch {
    return { status: 400, detail: "Server action arguments must be valid JSON" };
  }
  if (!Array.isArray(args)) return { status: 400, detail: "Server action arguments must be a JSON array" };
  if (nestsDeeper(args, MAX_DEPTH)) return { status: 400, detail: `Server action arguments nest deeper than ${MAX_DEPTH} levels` };
  if (badTag(args)) return { status: 400, detail: "Server action arguments hold a reference that cannot be resolved" };
  return null;
}
