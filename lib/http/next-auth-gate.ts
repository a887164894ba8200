import { checkLoginAllowed } from "@/lib/auth/login";
import { requestAddress } from "@/lib/http/caller";
import { errorResponse, jsonError } from "@/lib/http/errors";
import { rateLimitHeaders } from "@/lib/http/rate-limit";
import { admit } from "@/lib/ratelimit/gate";

const CREDENTIALS_CALLBACK = "/api/auth/callback/credentials";

/**
 * The fields of a posted body, read once, as next-auth reads them: JSON or a form. Null for a
 * JSON body that does not parse, which next-auth parses without catching (a 500).
 */
async function postedFields(request: Request): Promise<Record<string, unknown> | null> {
  if (request.method !== "POST") return {};
  if ((request.headers.get("content-type") ?? "").toLowerCase().includes("json")) {
    try {
      const parsed: unknown = JSON.parse(await request.clone().text());
      return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return null;
    }
  }
  return request
    .clone()
    .formData()
    .then((form) => Object.fromEntries(form), () => ({}));
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

/** The callback URLs next-auth would read: the query's, the callback-url cookie's and the posted body's. */
function callbackUrls(request: Request, fields: Record<string, unknown>): string[] {
  const urls = [new URL(request.url).searchParams.get("callbackUrl"), fields.callbackUrl];
  for (const cookie of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, ...value] = cookie.trim().split("=");
    if (name?.endsWith("next-auth.callback-url")) urls.push(decoded(value.join("=")));
  }
  return urls.filter((url): url is string => typeof url === "string" && url !== "");
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
      const fields = await postedFields(request);
      if (fields === null) return jsonError(400, "Request body must be valid JSON");
      if (!callbackUrls(request, fields).every(validCallbackUrl)) return jsonError(400, "callbackUrl must be a path or an http(s) URL");
      if (new URL(request.url).pathname === CREDENTIALS_CALLBACK && typeof fields.username === "string") {
        await checkLoginAllowed(fields.username, address);
      }
    } catch (error) {
      return errorResponse(error);
    }
    return handler(request, context);
  };
}
