import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type RouteLabeler = (pathname: string) => string;

interface RoutesManifest {
  staticRoutes?: { page: string }[];
  dynamicRoutes?: { page: string }[];
}

/**
 * The URL pattern of every page and route handler, e.g. `/conversations/[id]/messages`, as
 * `next build` recorded them in `<distDir>/routes-manifest.json`: the source `app/` folder is
 * not shipped with the standalone bundle.
 */
export function builtRoutes(distDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(distDir, "routes-manifest.json"), "utf8")) as RoutesManifest;
  const routes = [...(manifest.staticRoutes ?? []), ...(manifest.dynamicRoutes ?? [])].map((route) => route.page);
  return [...new Set(routes)];
}

const ROUTE_FILE = /^(route|page)\.(ts|tsx|js|jsx)$/;
/** Metadata image files (app/icon.svg, app/favicon.ico…) are served under their own names. */
const METADATA_IMAGE_FILE = /^(icon|apple-icon|favicon)\d*\.(ico|svg|png|jpe?g|gif)$/;

/** App Router segments that do not appear in the URL: route groups and parallel-route slots. */
const isHiddenSegment = (segment: string) => /^\(.*\)$/.test(segment) || segment.startsWith("@");

/**
 * The same table read from the source `app/` folder, for `next dev`: it compiles routes on
 * demand, so its manifest lists only those requested so far.
 */
export function sourceRoutes(appDir: string): string[] {
  const routes: string[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith("_")) {
        walk(path.join(dir, entry.name), isHiddenSegment(entry.name) ? segments : [...segments, entry.name]);
      } else if (entry.isFile() && ROUTE_FILE.test(entry.name)) {
        routes.push(`/${segments.join("/")}`);
      } else if (entry.isFile() && METADATA_IMAGE_FILE.test(entry.name)) {
        routes.push(`/${[...segments, entry.name].join("/")}`);
      }
    }
  };
  walk(appDir, []);
  return [...new Set(routes)];
}

/** `/conversations/[id]/messages` → `/conversations/:id/messages`, `[...slug]` → `:slug*`. */
export function patternOf(route: string): string {
  return route.replace(/\[\[?\.\.\.([^\]]+)\]\]?/g, ":$1*").replace(/\[([^\]]+)\]/g, ":$1");
}

function regexOf(route: string): RegExp {
  const source = route
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      if (/^\[\[\.\.\..+\]\]$/.test(segment)) return "(?:/.+)?";
      if (/^\[\.\.\..+\]$/.test(segment)) return "/.+";
      if (/^\[.+\]$/.test(segment)) return "/[^/]+";
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
    })
    .join("");
  return new RegExp(`^${source}/?$`);
}

/** Static routes win over dynamic ones, and longer static prefixes over shorter, as in Next. */
function specificity(route: string): number[] {
  return route.split("/").filter(Boolean).map((segment) => (segment.startsWith("[") ? 0 : 1));
}

function compareSpecificity(a: string, b: string): number {
  const [left, right] = [specificity(a), specificity(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (right[i] ?? -1) - (left[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Metric labels and log fields name the route pattern, never the raw path: ids in paths would
 * make one time series per conversation. Anything that matches no route is "unmatched".
 */
export function routeLabeler(routes: string[]): RouteLabeler {
  const matchers = [...routes]
    .sort(compareSpecificity)
    .map((route) => ({ pattern: patternOf(route), regex: regexOf(route) }));
  return (pathname) => {
    if (pathname.startsWith("/_next/")) return "/_next/*";
    return matchers.find((matcher) => matcher.regex.test(pathname))?.pattern ?? "unmatched";
  };
}
