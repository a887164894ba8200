import { createConversation, listConversations } from "@/lib/chat/conversations";
import { createConversationSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

export const GET = userRoute(async (_request, { user }) => {
  return Response.json({ conversations: await listConversations(user.id) });
});

export const POST = userRoute(async (request, { user }) => {
  const { conversation, created } = await createConversation(user.id, await readJson(request, createConversationSchema));
  return Response.json(conversation, { status: created ? 201 : 200 });
});

export const OPTIONS = preflight;
