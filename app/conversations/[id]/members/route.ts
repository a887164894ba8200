import { addMembers } from "@/lib/chat/groups";
import { addMembersSchema, conversationPathSchema } from "@/lib/chat/schemas";
import { parseInput, readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: userRoute<{ params: Promise<{ id: string }> }>(async (request, { params, user }) => {
    const { id } = parseInput(conversationPathSchema, await params);
    return Response.json((await addMembers(user.id, id, await readJson(request, addMembersSchema))).conversation);
  }),
});
