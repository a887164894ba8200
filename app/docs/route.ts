import { REFERENCE_PAGE, REFERENCE_PAGE_POLICY } from "@/lib/api/reference-page";
import { routeMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute(
    async () =>
      new Response(REFERENCE_PAGE, {
        headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": REFERENCE_PAGE_POLICY },
      }),
  ),
});
