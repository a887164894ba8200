import { deleteMessage, editMessage } from "@/lib/chat/message-actions";
import { editMessageSchema, messageRefSchema } from "@/lib/chat/schemas";
import { parseInput, readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  PATCH: userRoute<Context>(async (request, { params, user }) => {
    const { id } = parseInput(messageRefSchema, await params);
    const { content } = await readJson(request, editMessageSchema);
    return Response.json((await editMessage(user.id, id, content)).message);
  }),
  DELETE: userRoute<Context>(async (_request, { params, user }) => {
    const { id } = parseInput(messageRefSchema, await params);
    return Response.json((await deleteMessage(user.id, id)).message);
  }),
});
