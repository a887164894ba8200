import { searchSchema } from "@/lib/chat/schemas";
import { searchMessages } from "@/lib/chat/search";
import { parseInput, searchParams } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { userRoute } from "@/lib/http/route";

export const GET = userRoute(async (request, { user }) => {
  const messages = await searchMessages(user.id, parseInput(searchSchema, searchParams(request)));
  return Response.json({ messages });
});

export const OPTIONS = preflight;
