import { addMembers } from "@/lib/chat/groups";
import { addMembersSchema, conversationPathSchema } from "@/lib/chat/schemas";
import { parseInput, readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

export const POST = userRoute<{ params: Promise<{ id: string }> }>(async (request, { params, user }) => {
  const { id } = parseInput(conversationPathSchema, await params);
  return Response.json((await addMembers(user.id, id, await readJson(request, addMembersSchema))).conversation);
});

export const OPTIONS = preflight;
