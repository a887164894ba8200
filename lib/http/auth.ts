import { verifyToken } from "@/lib/auth/tokens";
import type { UserDto } from "@/lib/chat/present";
import { findUser } from "@/lib/chat/users";
import { ApiError } from "@/lib/http/errors";

export const challenge = { "WWW-Authenticate": "Bearer" };

export function bearerToken(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1] ?? null;
}

/** The user behind the request's access token; 401 with a Bearer challenge otherwise. */
export async function requireUser(request: Request): Promise<UserDto> {
  const token = bearerToken(request.headers.get("authorization"));
  if (!token) throw new ApiError(401, "Not authenticated", challenge);
  const userId = await verifyToken(token, "access");
  const user = userId ? await findUser(userId) : null;
  if (!user) throw new ApiError(401, "Invalid or expired token", challenge);
  return user;
}
