import { listOtherUsers } from "@/lib/chat/users";
import { requireUser } from "@/lib/http/auth";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const GET = apiRoute(async (request) => {
  const user = await requireUser(request);
  return Response.json({ users: await listOtherUsers(user.id) });
});

export const OPTIONS = preflight;
