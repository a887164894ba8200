import { listMessages } from "@/lib/chat/messages";
import { conversationPathSchema, messagePageSchema } from "@/lib/chat/schemas";
import { parseInput, searchParams } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { JsonResponse } from "@/lib/http/json-response";
import { userRoute } from "@/lib/http/route";

export const GET = userRoute<{ params: Promise<{ id: string }> }>(async (request, { params, user }) => {
  const { id } = parseInput(conversationPathSchema, await params);
  const page = parseInput(messagePageSchema, searchParams(request));
  const messages = await listMessages(user.id, id, page);
  return new JsonResponse({ messages }, {}, request);
});

export const OPTIONS = preflight;
