import { reactToMessage } from "@/lib/chat/message-actions";
import { reactionSchema } from "@/lib/chat/schemas";
import { parseInput } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

type Context = { params: Promise<{ id: string; emoji: string }> };

function react(on: boolean) {
  return userRoute<Context>(async (_request, { params, user }) => {
    const { id, emoji } = parseInput(reactionSchema, { ...(await params), on });
    const { message } = await reactToMessage(user.id, id, emoji, on);
    return Response.json(message);
  });
}

export const PUT = react(true);
export const DELETE = react(false);

export const OPTIONS = preflight;
