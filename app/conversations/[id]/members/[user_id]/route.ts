import { removeMember } from "@/lib/chat/groups";
import { memberPathSchema } from "@/lib/chat/schemas";
import { parseInput } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

/** Leaving answers 204: the caller no longer sees the group. Removing someone else answers the group. */
export const DELETE = userRoute<{ params: Promise<{ id: string; user_id: string }> }>(async (_request, { params, user }) => {
  const { id, user_id } = parseInput(memberPathSchema, await params);
  const { conversation } = await removeMember(user.id, id, user_id);
  return conversation ? Response.json(conversation) : new Response(null, { status: 204 });
});

export const OPTIONS = preflight;
