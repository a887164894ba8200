import { searchSchema } from "@/lib/chat/schemas";
import { searchMessages } from "@/lib/chat/search";
import { parseInput, searchParams } from "@/lib/http/body";
import { routeMethods } from "@/lib/http/methods";
import { userRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: userRoute(async (request, { user }) => {
    const messages = await searchMessages(user.id, parseInput(searchSchema, searchParams(request)));
    return Response.json({ messages });
  }),
});
