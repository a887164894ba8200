import { logOut } from "@/lib/auth/sessions";
import { logoutSchema } from "@/lib/chat/schemas";
import { readJsonOrEmpty } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

export const POST = userRoute(async (request, caller) => {
  const { refresh_token } = await readJsonOrEmpty(request, logoutSchema);
  await logOut(caller, refresh_token);
  return new Response(null, { status: 204 });
});

export const OPTIONS = preflight;
