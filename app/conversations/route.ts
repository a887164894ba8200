import { createConversation, listConversations } from "@/lib/chat/conversations";
import { createConversationSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const GET = apiRoute(async (request) => {
  const user = await requireUser(request);
  return Response.json({ conversations: await listConversations(user.id) });
});

export const POST = apiRoute(async (request) => {
  const user = await requireUser(request);
  const { conversation, created } = await createConversation(user.id, await readJson(request, createConversationSchema));
  return Response.json(conversation, { status: created ? 201 : 200 });
});

export const OPTIONS = preflight;
