import { sendMessage } from "@/lib/chat/messages";
import { sendMessageSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { JsonResponse } from "@/lib/http/json-response";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: userRoute(async (request, { user }) => {
    // A replayed message_id answers exactly as the first request did.
    const { message } = await sendMessage(user.id, await readJson(request, sendMessageSchema));
    return new JsonResponse(message, { status: 201 }, request);
  }),
});
