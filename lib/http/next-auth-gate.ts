import { checkLoginAllowed } from "@/lib/auth/login";
import { requestAddress } from "@/lib/http/caller";
import { errorResponse, jsonError } from "@/lib/http/errors";
import { rateLimitHeaders } from "@/lib/http/rate-limit";
import { admit } from "@/lib/ratelimit/gate";

const CREDENTIALS_CALLBACK = "/api/auth/callback/credentials";

async function postedUsername(request: Request): Promise<string | null> {
  try {
    const username = (await request.clone().formData()).get("username");
    return typeof username === "string" ? username : null;
  } catch {
    return null;
  }
}

/** next-auth parses a JSON body without catching, so an empty or broken one would be a 500. */
async function unreadableJson(request: Request): Promise<boolean> {
  if (!(request.headers.get("content-type") ?? "").toLowerCase().includes("json")) return false;
  try {
    JSON.parse(await request.clone().text());
    return false;
  } catch {
    return true;
  }
}

/** next-auth's own test of a callback URL (core/lib/assert); it answers one that fails with a 500. */
function validCallbackUrl(value: string): boolean {
  try {
    return /^https?:/.test(new URL(value, value.startsWith("/") ? "http://localhost" : undefined).protocol);
  } catch {
    return false;
  }
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The callback URLs next-auth would read: the query's, the callback-url cookie's and a posted form's or JSON's. */
async function callbackUrls(request: Request): Promise<string[]> {
  const urls = [new URL(request.url).searchParams.get("callbackUrl")];
  for (const cookie of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, ...value] = cookie.trim().split("=");
    if (name?.endsWith("next-auth.callback-url")) urls.push(decoded(value.join("=")));
  }
  if (request.method === "POST") {
    const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
    const body = contentType.includes("json")
      ? ((JSON.parse(await request.clone().text()) as { callbackUrl?: unknown } | null)?.callbackUrl ?? null)
      : await request.clone().formData().then((form) => form.get("callbackUrl"), () => null);
    if (typeof body === "string") urls.push(body);
  }
  return urls.filter((url): url is string => Boolean(url));
}

/**
 * next-auth's endpoints pass the same gate as the REST API: the address's request budget, and
 * on the credentials callback the failed-login throttle, which has to answer 429 itself because
 * next-auth would turn a refusal from `authorize` into an ordinary "wrong password".
 */
export function gateNextAuth<Context>(
  handler: (request: Request, context: Context) => Promise<Response>,
): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    const address = requestAddress();
    try {
      const decision = await admit("api", { address });
      if (!decision.allowed) return jsonError(429, "Too many requests, slow down", rateLimitHeaders(decision));
      if (request.method === "POST" && (await unreadableJson(request))) return jsonError(400, "Request body must be valid JSON");
      if (!(await callbackUrls(request)).every(validCallbackUrl)) return jsonError(400, "callbackUrl must be a path or an http(s) URL");
      if (request.method === "POST" && new URL(request.url).pathname === CREDENTIALS_CALLBACK) {
        const username = await postedUsername(request);
        if (username !== null) await checkLoginAllowed(username, address);
      }
    } catch (error) {
      return errorResponse(error);
    }
    return handler(request, context);
  };
}
