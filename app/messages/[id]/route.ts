import { deleteMessage, editMessage } from "@/lib/chat/message-actions";
import { editMessageSchema, messageRefSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { parseInput, readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

export const PATCH = apiRoute(async (request, { params }: Context) => {
  const user = await requireUser(request);
  const { id } = parseInput(messageRefSchema, await params);
  const { content } = await readJson(request, editMessageSchema);
  return Response.json((await editMessage(user.id, id, content)).message);
});

export const DELETE = apiRoute(async (request, { params }: Context) => {
  const user = await requireUser(request);
  const { id } = parseInput(messageRefSchema, await params);
  return Response.json((await deleteMessage(user.id, id)).message);
});

export const OPTIONS = preflight;
