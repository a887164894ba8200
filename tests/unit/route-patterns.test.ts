import { describe, expect, it } from "vitest";

import { patternOf, routeLabeler } from "@/lib/observability/route-patterns";

describe("route labels", () => {
  it("turns Next's page names into route patterns", () => {
    expect(patternOf("/conversations/[id]/messages")).toBe("/conversations/:id/messages");
    expect(patternOf("/docs/[...slug]")).toBe("/docs/:slug*");
    expect(patternOf("/health")).toBe("/health");
  });

  it("labels a path with the pattern of the route it matches, never the raw id", () => {
    const label = routeLabeler([
      { page: "/health", regex: "^/health(?:/)?$" },
      { page: "/conversations/[id]/messages", regex: "^/conversations/([^/]+?)/messages(?:/)?$" },
    ]);
    expect(label("/conversations/3f1c6a9e/messages")).toBe("/conversations/:id/messages");
    expect(label("/health")).toBe("/health");
  });

  it("groups static assets and unknown paths so labels stay few", () => {
    const label = routeLabeler([{ page: "/health", regex: "^/health(?:/)?$" }]);
    expect(label("/_next/static/chunks/app.js")).toBe("/_next/*");
    expect(label("/wp-admin/install.php")).toBe("unmatched");
  });
});
