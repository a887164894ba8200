import { sendMessage } from "@/lib/chat/messages";
import { sendMessageSchema } from "@/lib/chat/schemas";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { JsonResponse } from "@/lib/http/json-response";
import { userRoute } from "@/lib/http/route";

export const POST = userRoute(async (request, { user }) => {
  // A replayed message_id answers exactly as the first request did.
  const { message } = await sendMessage(user.id, await readJson(request, sendMessageSchema));
  return new JsonResponse(message, { status: 201 }, request);
});

export const OPTIONS = preflight;
