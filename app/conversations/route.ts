import { createConversation, listConversations } from "@/lib/chat/conversations";
import { createConversationSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: userRoute(async (_request, { user }) => {
    return Response.json({ conversations: await listConversations(user.id) });
  }),
  POST: userRoute(async (request, { user }) => {
    const { conversation, created } = await createConversation(user.id, await readJson(request, createConversationSchema));
    return Response.json(conversation, { status: created ? 201 : 200 });
  }),
});
