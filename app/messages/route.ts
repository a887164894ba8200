import { sendMessage } from "@/lib/chat/messages";
import { sendMessageSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request) => {
  const user = await requireUser(request);
  // A replayed message_id answers exactly as the first request did.
  const { message } = await sendMessage(user.id, await readJson(request, sendMessageSchema));
  return Response.json(message, { status: 201 });
});

export const OPTIONS = preflight;
