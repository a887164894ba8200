import { markRead } from "@/lib/chat/awareness";
import { conversationPathSchema, readMarkerSchema } from "@/lib/chat/schemas";
import { parseInput, readJson } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: userRoute<{ params: Promise<{ id: string }> }>(async (request, { params, user }) => {
    const { id } = parseInput(conversationPathSchema, await params);
    const { seq } = await readJson(request, readMarkerSchema);
    const { receipt } = await markRead(user.id, id, seq);
    return Response.json({ last_read_seq: receipt.seq });
  }),
});
