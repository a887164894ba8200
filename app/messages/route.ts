import { sendMessage } from "@/lib/chat/messages";
import { sendMessageSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { JsonResponse } from "@/lib/http/json-response";
import { routeMethods } from "@/lib/http/methods";
import { tokenHolderRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  // The message's own unit of work checks that the token's session still stands.
  POST: tokenHolderRoute(async (request, { userId, sessionId }) => {
    // A replayed message_id answers exactly as the first request did.
    const { message } = await sendMessage(userId, await readJson(request, sendMessageSchema), sessionId);
    return new JsonResponse(message, { status: 201 }, request);
  }),
});
