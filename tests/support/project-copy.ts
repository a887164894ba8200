import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const SOURCES = ["app", "components", "lib", "drizzle", "instrumentation.ts", "server.ts", "package.json", "tsconfig.json", "next.config.mjs", "postcss.config.mjs"];

/**
 * The project's sources in a temporary folder, for running `next dev`: it rewrites `.next`,
 * which the production build of the real project (and the suites serving it) must keep.
 * node_modules is hard-linked, a real folder inside the project as Turbopack requires.
 */
export function copyProject(prefix: string): string {
  const project = mkdtempSync(path.join(tmpdir(), prefix));
  for (const entry of SOURCES) cpSync(entry, path.join(project, entry), { recursive: true });
  execFileSync("cp", ["-al", path.resolve("node_modules"), path.join(project, "node_modules")]);
  return project;
}
