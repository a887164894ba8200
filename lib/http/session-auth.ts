import { currentUser } from "@/lib/auth/session";
import type { UserDto } from "@/lib/chat/present";
import { ApiError } from "@/lib/http/errors";
import type { PublicCaller } from "@/lib/http/route";

/** Whether the request comes from a page of this server (browsers send Origin on every POST). */
function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  try {
    return new URL(origin).host === request.headers.get("host");
  } catch {
    return false;
  }
}

/**
 * The caller by access token, or else by the web UI's session cookie: an <img> or a file input
 * cannot send a token. A cookie is only taken for a write from the server's own pages, so that
 * another site cannot post with a visitor's session.
 */
export async function tokenOrSessionUser(request: Request, { signedIn }: PublicCaller): Promise<UserDto> {
  if (signedIn) return signedIn.user;
  const sentToken = request.headers.has("authorization");
  const reading = request.method === "GET" || request.method === "HEAD";
  const user = !sentToken && (reading || sameOrigin(request)) ? await currentUser() : null;
  if (!user) throw new ApiError(401, sentToken ? "Invalid or expired token" : "Not authenticated", { "WWW-Authenticate": "Bearer" });
  return user;
}
