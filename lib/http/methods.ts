import { preflight } from "@/lib/http/cors";
import { ApiError, jsonError } from "@/lib/http/errors";
import { apiRoute } from "@/lib/http/route";

/** The methods a route module may export besides OPTIONS; Next answers HEAD from GET. */
const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof ROUTE_METHODS)[number];

type Refusal = (request: Request, context: unknown) => Response | Promise<Response>;

export type RouteMethods<Served> = { [Method in RouteMethod]: Method extends keyof Served ? Served[Method] : Refusal } & {
  OPTIONS: (request: Request) => Response;
};

/**
 * Every method of one route, for its module to export: the ones it serves, OPTIONS (the
 * preflight, naming them), and any other answered 405 with `Allow` and a JSON detail, where
 * Next would answer an empty 405 without `Allow`. An API route's refusal is rate limited and
 * carries the limit's headers as its other answers do; `limited: false` is for the routes
 * the limits leave out (health, readiness, metrics) or that pass a gate of their own (next-auth's).
 */
export function routeMethods<Served extends Partial<Record<RouteMethod, unknown>>>(
  served: Served,
  { limited = true }: { limited?: boolean } = {},
): RouteMethods<Served> {
  const names = ROUTE_METHODS.filter((method) => method in served);
  const allow = [...names, ...(names.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const detail = (request: Request) => `Method ${request.method} is not allowed here; allowed: ${allow}`;
  const refuse: Refusal = limited
    ? apiRoute(async (request) => {
        throw new ApiError(405, detail(request), { Allow: allow });
      })
    : (request) => jsonError(405, detail(request), { Allow: allow });
  const handlers = Object.fromEntries(ROUTE_METHODS.map((method) => [method, served[method] ?? refuse]));
  return { ...handlers, OPTIONS: (request: Request) => preflight(request, allow) } as RouteMethods<Served>;
}
