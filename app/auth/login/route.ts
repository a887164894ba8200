import { issueTokenPair } from "@/lib/auth/tokens";
import { loginSchema } from "@/lib/chat/schemas";
import { authenticate } from "@/lib/chat/users";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request) => {
  const { username, password } = await readJson(request, loginSchema);
  const user = await authenticate(username, password);
  return Response.json(await issueTokenPair(user.id));
});

export const OPTIONS = preflight;
