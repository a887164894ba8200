import { routeMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(
  {
    GET(): Response {
      return Response.json({ status: "healthy" });
    },
  },
  { limited: false },
);
