import { storeUpload } from "@/lib/chat/uploads";
import { routeMethods } from "@/lib/http/methods";
import { readUploadedFile } from "@/lib/http/multipart";
import { apiRoute } from "@/lib/http/route";
import { tokenOrSessionUser } from "@/lib/http/session-auth";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  POST: apiRoute(async (request, caller) => {
    const user = await tokenOrSessionUser(request, caller);
    const upload = await readUploadedFile(request, (name, stream) => storeUpload(user.id, name, stream));
    return Response.json(upload, { status: 201 });
  }),
});
