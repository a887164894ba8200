import { listOtherUsers } from "@/lib/chat/users";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

export const GET = userRoute(async (_request, { user }) => {
  return Response.json({ users: await listOtherUsers(user.id) });
});

export const OPTIONS = preflight;
