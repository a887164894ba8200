import { logOut } from "@/lib/auth/sessions";
import { logoutSchema } from "@/lib/chat/schemas";
import { readJsonOrEmpty } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: userRoute(async (request, caller) => {
    const { refresh_token } = await readJsonOrEmpty(request, logoutSchema);
    await logOut(caller, refresh_token);
    return new Response(null, { status: 204 });
  }),
});
