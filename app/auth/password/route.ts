import { changePassword } from "@/lib/auth/sessions";
import { passwordChangeSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: userRoute(async (request, caller) => {
    const { current_password, new_password } = await readJson(request, passwordChangeSchema);
    await changePassword(caller, current_password, new_password);
    return new Response(null, { status: 204 });
  }),
});
