import { signupSchema } from "@/lib/chat/schemas";
import { signUp } from "@/lib/chat/users";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";
import { enforce } from "@/lib/ratelimit/gate";

export const POST = apiRoute(async (request, { address }) => {
  await enforce("signup", { address });
  const user = await signUp(await readJson(request, signupSchema));
  return Response.json(user, { status: 201 });
});

export const OPTIONS = preflight;
