import { listMessages } from "@/lib/chat/messages";
import { messagePageSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { parseInput, searchParams } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const GET = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser(request);
  const page = parseInput(messagePageSchema, searchParams(request));
  const messages = await listMessages(user.id, (await params).id, page);
  return Response.json({ messages });
});

export const OPTIONS = preflight;
