import { openUpload } from "@/lib/chat/uploads";
import { requireUserOrSession } from "@/lib/http/session-auth";
import { preflight } from "@/lib/http/cors";
import { apiRoute } from "@/lib/http/route";
import { uploadResponse } from "@/lib/http/upload-response";

export const GET = apiRoute(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUserOrSession(request);
  return uploadResponse(await openUpload(user.id, (await params).id, "thumbnail"));
});

export const OPTIONS = preflight;
