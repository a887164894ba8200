import { openApiDocument } from "@/lib/api/openapi";
import { routeMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  GET: apiRoute(async () => Response.json(openApiDocument())),
});
