import path from "node:path";

import { describe, expect, it } from "vitest";

import { builtRoutes, patternOf, routeLabeler, sourceRoutes } from "@/lib/observability/route-patterns";

describe("route labels", () => {
  it("reads every route handler and page from the table next build wrote", () => {
    const routes = builtRoutes(path.resolve(".next"));
    expect(routes).toEqual(expect.arrayContaining(["/", "/auth/login", "/conversations", "/conversations/[id]/messages", "/metrics"]));
  });

  it("finds the same routes in the source app/ folder, for next dev", () => {
    expect(sourceRoutes(path.resolve("app")).sort()).toEqual(
      builtRoutes(path.resolve(".next")).filter((route) => !route.startsWith("/_")).sort(),
    );
  });

  it("turns Next's folder names into route patterns", () => {
    expect(patternOf("/conversations/[id]/messages")).toBe("/conversations/:id/messages");
    expect(patternOf("/docs/[...slug]")).toBe("/docs/:slug*");
    expect(patternOf("/health")).toBe("/health");
  });

  it("labels a path with the pattern of the route it matches, never the raw id", () => {
    const label = routeLabeler(builtRoutes(path.resolve(".next")));
    expect(label("/conversations/3f1c6a9e/messages")).toBe("/conversations/:id/messages");
    expect(label("/conversations/3f1c6a9e/messages/")).toBe("/conversations/:id/messages");
    expect(label("/conversations")).toBe("/conversations");
    expect(label("/")).toBe("/");
  });

  it("prefers a static route over a dynamic one", () => {
    const label = routeLabeler(["/items/[id]", "/items/new", "/[...rest]"]);
    expect(label("/items/new")).toBe("/items/new");
    expect(label("/items/42")).toBe("/items/:id");
    expect(label("/anything/else")).toBe("/:rest*");
  });

  it("groups static assets and unknown paths so labels stay few", () => {
    const label = routeLabeler(["/health"]);
    expect(label("/_next/static/chunks/app.js")).toBe("/_next/*");
    expect(label("/wp-admin/install.php")).toBe("unmatched");
    expect(label("/health/extra")).toBe("unmatched");
  });
});
