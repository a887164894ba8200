import { openApiDocument } from "@/lib/api/openapi";
import { routeMethods } from "@/lib/http/methods";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(
  {
    GET(): Response {
      return Response.json(openApiDocument());
    },
  },
  { limited: false },
);
