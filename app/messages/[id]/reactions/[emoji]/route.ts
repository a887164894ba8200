import { reactToMessage } from "@/lib/chat/message-actions";
import { reactionSchema } from "@/lib/chat/schemas";
import { parseInput } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

type Context = { params: Promise<{ id: string; emoji: string }> };

function react(on: boolean) {
  return userRoute<Context>(async (_request, { params, user }) => {
    const { id, emoji } = parseInput(reactionSchema, { ...(await params), on });
    const { message } = await reactToMessage(user.id, id, emoji, on);
    return Response.json(message);
  });
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  PUT: react(true),
  DELETE: react(false),
});
