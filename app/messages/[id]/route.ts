import { deleteMessage, editMessage } from "@/lib/chat/message-actions";
import { editMessageSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

export const PATCH = apiRoute(async (request, { params }: Context) => {
  const user = await requireUser(request);
  const { content } = await readJson(request, editMessageSchema);
  return Response.json((await editMessage(user.id, (await params).id, content)).message);
});

export const DELETE = apiRoute(async (request, { params }: Context) => {
  const user = await requireUser(request);
  return Response.json((await deleteMessage(user.id, (await params).id)).message);
});

export const OPTIONS = preflight;
