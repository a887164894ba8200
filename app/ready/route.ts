import { getRepository } from "@/lib/db";
import { routeMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(
  {
    async GET(): Promise<Response> {
      try {
        await (await getRepository()).ping();
        return Response.json({ status: "ready" });
      } catch {
        return Response.json({ status: "unavailable", detail: "Database is unreachable" }, { status: 503 });
      }
    },
  },
  { limited: false },
);
