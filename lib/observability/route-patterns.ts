import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

interface ManifestRoute {
  page: string;
  regex: string;
}

interface RoutesManifest {
  staticRoutes?: ManifestRoute[];
  dynamicRoutes?: ManifestRoute[];
}

export type RouteLabeler = (pathname: string) => string;

/** `/conversations/[id]/messages` → `/conversations/:id/messages`, `[...slug]` → `:slug*`. */
export function patternOf(page: string): string {
  return page.replace(/\[\[?\.\.\.([^\]]+)\]\]?/g, ":$1*").replace(/\[([^\]]+)\]/g, ":$1");
}

/**
 * Metric labels and log fields name the route pattern, never the raw path: ids in paths would
 * make one time series per conversation. Anything that matches no route is "unmatched".
 */
export function routeLabeler(routes: ManifestRoute[]): RouteLabeler {
  const matchers = routes.map((route) => ({ pattern: patternOf(route.page), regex: new RegExp(route.regex) }));
  return (pathname) => {
    if (pathname.startsWith("/_next/")) return "/_next/*";
    return matchers.find((matcher) => matcher.regex.test(pathname))?.pattern ?? "unmatched";
  };
}

/** Reads the routes Next compiled (production build, or the dev server's manifest once prepared). */
export function loadRouteLabeler(projectDir: string, production: boolean): RouteLabeler {
  const file = path.join(projectDir, ".next", production ? "" : "dev", "routes-manifest.json");
  if (!existsSync(file)) return routeLabeler([]);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as RoutesManifest;
  return routeLabeler([...(manifest.staticRoutes ?? []), ...(manifest.dynamicRoutes ?? [])]);
}
