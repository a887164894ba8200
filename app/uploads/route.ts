import { storeUpload } from "@/lib/chat/uploads";
import { requireUserOrSession } from "@/lib/http/session-auth";
import { preflight } from "@/lib/http/cors";
import { readUploadedFile } from "@/lib/http/multipart";
import { apiRoute } from "@/lib/http/route";

export const POST = apiRoute(async (request) => {
  const user = await requireUserOrSession(request);
  const upload = await readUploadedFile(request, (name, stream) => storeUpload(user.id, name, stream));
  return Response.json(upload, { status: 201 });
});

export const OPTIONS = preflight;
