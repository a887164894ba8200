import { markRead } from "@/lib/chat/awareness";
import { readMarkerSchema } from "@/lib/chat/schemas";
import { requireUser } from "@/lib/http/auth";
import { readJson } from "@/lib/http/body";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser(request);
  const { seq } = await readJson(request, readMarkerSchema);
  const { receipt } = await markRead(user.id, (await params).id, seq);
  return Response.json({ last_read_seq: receipt.seq });
});

export const OPTIONS = preflight;
