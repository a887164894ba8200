import { removeMember } from "@/lib/chat/groups";
import { requireUser } from "@/lib/http/auth";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

/** Leaving answers 204: the caller no longer sees the group. Removing someone else answers the group. */
export const DELETE = apiRoute(async (request, { params }: { params: Promise<{ id: string; user_id: string }> }) => {
  const user = await requireUser(request);
  const { id, user_id } = await params;
  const conversation = await removeMember(user.id, id, user_id);
  return conversation ? Response.json(conversation) : new Response(null, { status: 204 });
});

export const OPTIONS = preflight;
