import { listOtherUsers } from "@/lib/chat/users";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: userRoute(async (_request, { user }) => {
    return Response.json({ users: await listOtherUsers(user.id) });
  }),
});
