import { errorResponse } from "@/lib/http/errors";

type Handler<Context> = (request: Request, context: Context) => Promise<Response>;

/** Wraps a route handler so that every error becomes a JSON response with the right status. */
export function apiRoute<Context>(handler: Handler<Context>): Handler<Context> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
