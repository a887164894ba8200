import { refreshSession } from "@/lib/auth/sessions";
import { refreshSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request) => {
  const { refresh_token } = await readJson(request, refreshSchema);
  return Response.json(await refreshSession(refresh_token));
});

export const OPTIONS = preflight;
