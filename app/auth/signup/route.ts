import { signupSchema } from "@/lib/chat/schemas";
import { signUp } from "@/lib/chat/users";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";
import { enforce } from "@/lib/ratelimit/gate";

export const POST = apiRoute(async (request, { address }) => {
  const input = await readJson(request, signupSchema);
  // Only well-formed attempts count, so a mistyped form does not use up the address's budget.
  await enforce("signup", { address });
  const user = await signUp(input);
  return Response.json(user, { status: 201 });
});

export const OPTIONS = preflight;
