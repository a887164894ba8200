import { deleteMessage, editMessage } from "@/lib/chat/message-actions";
import { editMessageSchema, messageRefSchema } from "@/lib/chat/schemas";
import { parseInput, readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

export const PATCH = userRoute<Context>(async (request, { params, user }) => {
  const { id } = parseInput(messageRefSchema, await params);
  const { content } = await readJson(request, editMessageSchema);
  return Response.json((await editMessage(user.id, id, content)).message);
});

export const DELETE = userRoute<Context>(async (_request, { params, user }) => {
  const { id } = parseInput(messageRefSchema, await params);
  return Response.json((await deleteMessage(user.id, id)).message);
});

export const OPTIONS = preflight;
