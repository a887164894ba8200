import { openUpload } from "@/lib/chat/uploads";
import { conversationPathSchema } from "@/lib/chat/schemas";
import { parseInput } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { tokenOrSessionUser } from "@/lib/http/session-auth";
import { uploadResponse } from "@/lib/http/upload-response";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute<{ params: Promise<{ id: string }> }>(async (request, { params, ...caller }) => {
    const user = await tokenOrSessionUser(request, caller);
    const { id } = parseInput(conversationPathSchema, await params);
    return uploadResponse(await openUpload(user.id, id, "thumbnail"));
  }),
});
