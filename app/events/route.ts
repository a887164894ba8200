import { parseInput, searchParams } from "@/lib/http/body";
import { ApiError } from "@/lib/http/errors";
import { routeMethods } from "@/lib/http/methods";
import { apiRoute } from "@/lib/http/route";
import { authenticateEventStream } from "@/lib/realtime/connection-auth";
import { eventStreamQuerySchema, openEventStream } from "@/lib/realtime/event-stream";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routeMethods({
  /** The live event stream for clients that cannot open /ws; the browser is signed in by its session cookie. */
  GET: apiRoute(async (request) => {
    const credential = await authenticateEventStream(request);
    if (!credential) throw new ApiError(401, "Not authenticated", { "WWW-Authenticate": "Bearer" });
    const { cursors } = parseInput(eventStreamQuerySchema, searchParams(request));
    return openEventStream(credential, cursors, request.signal);
  }),
});
