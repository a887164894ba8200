import { referenceAsset } from "@/lib/api/reference-page";
import { jsonError } from "@/lib/http/errors";
import { routeMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute<{ params: Promise<{ asset: string }> }>(async (_request, { params }) => {
    const asset = await referenceAsset((await params).asset);
    if (!asset) return jsonError(404, "No such file");
    return new Response(asset.body, {
      headers: { "Content-Type": asset.contentType, "Cache-Control": "public, max-age=3600" },
    });
  }),
});
