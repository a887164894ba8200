import { renameGroup } from "@/lib/chat/groups";
import { conversationPathSchema, renameConversationSchema } from "@/lib/chat/schemas";
import { parseInput, readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

export const PATCH = userRoute<{ params: Promise<{ id: string }> }>(async (request, { params, user }) => {
  const { id } = parseInput(conversationPathSchema, await params);
  return Response.json((await renameGroup(user.id, id, await readJson(request, renameConversationSchema))).conversation);
});

export const OPTIONS = preflight;
