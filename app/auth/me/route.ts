import { updateProfile } from "@/lib/auth/sessions";
import { profileSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: userRoute(async (_request, { user }) => Response.json(user)),
  PATCH: userRoute(async (request, { user }) => {
    const { full_name } = await readJson(request, profileSchema);
    return Response.json(full_name === undefined ? user : await updateProfile(user.id, full_name));
  }),
});
