import { searchSchema } from "@/lib/chat/schemas";
import { searchMessages } from "@/lib/chat/search";
import { requireUser } from "@/lib/http/auth";
import { parseInput, searchParams } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const GET = apiRoute(async (request) => {
  const user = await requireUser(request);
  const messages = await searchMessages(user.id, parseInput(searchSchema, searchParams(request)));
  return Response.json({ messages });
});

export const OPTIONS = preflight;
