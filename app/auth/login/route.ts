import { logIn } from "@/lib/auth/login";
import { issueSessionTokens } from "@/lib/auth/sessions";
import { loginSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: apiRoute(async (request, { address }) => {
    const { username, password } = await readJson(request, loginSchema);
    const user = await logIn(username, password, address);
    return Response.json(await issueSessionTokens(user.id));
  }),
});
