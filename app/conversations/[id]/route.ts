import { renameGroup } from "@/lib/chat/groups";
import { renameConversationSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const PATCH = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser(request);
  return Response.json(await renameGroup(user.id, (await params).id, await readJson(request, renameConversationSchema)));
});

export const OPTIONS = preflight;
