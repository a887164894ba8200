import { addMembers } from "@/lib/chat/groups";
import { addMembersSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser(request);
  return Response.json(await addMembers(user.id, (await params).id, await readJson(request, addMembersSchema)));
});

export const OPTIONS = preflight;
