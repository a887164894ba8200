import { logIn } from "@/lib/auth/login";
import { issueSessionTokens } from "@/lib/auth/sessions";
import { loginSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request, { address }) => {
  const { username, password } = await readJson(request, loginSchema);
  const user = await logIn(username, password, address);
  return Response.json(await issueSessionTokens(user.id));
});

export const OPTIONS = preflight;
