import { signupSchema } from "@/lib/chat/schemas";
import { signUp } from "@/lib/chat/users";
import { readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { enforce } from "@/lib/ratelimit/gate";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: apiRoute(async (request, { address }) => {
    const input = await readJson(request, signupSchema);
    // Only well-formed attempts count, so a mistyped form does not use up the address's budget.
    await enforce("signup", { address });
    const user = await signUp(input);
    return Response.json(user, { status: 201 });
  }),
});
