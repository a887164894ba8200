import { issueTokenPair, verifyToken } from "@/lib/auth/tokens";
import { refreshSchema } from "@/lib/chat/schemas";
import { findUser } from "@/lib/chat/users";
import { readJson } from "@/lib/http/body";
import { ApiError } from "@/lib/http/errors";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request) => {
  const { refresh_token } = await readJson(request, refreshSchema);
  const userId = await verifyToken(refresh_token, "refresh");
  const user = userId ? await findUser(userId) : null;
  if (!user) throw new ApiError(401, "Invalid or expired refresh token", { "WWW-Authenticate": "Bearer" });
  return Response.json(await issueTokenPair(user.id));
});

export const OPTIONS = preflight;
