import { updateProfile } from "@/lib/auth/sessions";
import { profileSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

export const GET = userRoute(async (_request, { user }) => Response.json(user));

export const PATCH = userRoute(async (request, { user }) => {
  const { full_name } = await readJson(request, profileSchema);
  return Response.json(full_name === undefined ? user : await updateProfile(user.id, full_name));
});

export const OPTIONS = preflight;
