import { refreshSession } from "@/lib/auth/sessions";
import { refreshSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: apiRoute(async (request) => {
    const { refresh_token } = await readJson(request, refreshSchema);
    return Response.json(await refreshSession(refresh_token));
  }),
});
