import { reactToMessage } from "@/lib/chat/message-actions";
import { emojiSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { parseInput } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

type Context = { params: Promise<{ id: string; emoji: string }> };

function react(on: boolean) {
  return apiRoute(async (request, { params }: Context) => {
    const user = await requireUser(request);
    const { id, emoji } = await params;
    const { message } = await reactToMessage(user.id, id, parseInput(emojiSchema, emoji), on);
    return Response.json(message);
  });
}

export const PUT = react(true);
export const DELETE = react(false);

export const OPTIONS = preflight;
