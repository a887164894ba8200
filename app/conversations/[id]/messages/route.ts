import { listMessages } from "@/lib/chat/messages";
import { conversationPathSchema, messagePageSchema } from "@/lib/chat/schemas";
import { parseInput, searchParams } from "@/lib/http/body";
import { JsonResponse } from "@/lib/http/json-response";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: userRoute<{ params: Promise<{ id: string }> }>(async (request, { params, user }) => {
    const { id } = parseInput(conversationPathSchema, await params);
    const page = parseInput(messagePageSchema, searchParams(request));
    const messages = await listMessages(user.id, id, page);
    return new JsonResponse({ messages }, {}, request);
  }),
});
