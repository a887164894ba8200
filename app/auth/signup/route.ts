import { signupSchema } from "@/lib/chat/schemas";
import { signUp } from "@/lib/chat/users";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request) => {
  const user = await signUp(await readJson(request, signupSchema));
  return Response.json(user, { status: 201 });
});

export const OPTIONS = preflight;
