import { routeMethods } from "@/lib/http/methods";
import { metrics } from "@/lib/observability/metrics";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods(
  {
    async GET(): Promise<Response> {
      return new Response(await metrics.registry.metrics(), {
        headers: { "Content-Type": metrics.registry.contentType },
      });
    },
  },
  { limited: false },
);
