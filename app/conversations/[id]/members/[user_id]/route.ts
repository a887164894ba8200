import { removeMember } from "@/lib/chat/groups";
import { memberPathSchema } from "@/lib/chat/schemas";
import { parseInput } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  /** Leaving answers 204: the caller no longer sees the group. Removing someone else answers the group. */
  DELETE: userRoute<{ params: Promise<{ id: string; user_id: string }> }>(async (_request, { params, user }) => {
    const { id, user_id } = parseInput(memberPathSchema, await params);
    const { conversation } = await removeMember(user.id, id, user_id);
    return conversation ? Response.json(conversation) : new Response(null, { status: 204 });
  }),
});
