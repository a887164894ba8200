import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Makes Next use the configuration `next build` recorded instead of loading next.config.mjs,
 * as the standalone server Next generates does: the standalone folder has no next.config.mjs
 * and no build toolchain to load one with.
 */
export function applyBuiltNextConfig(dir: string): void {
  const file = path.join(dir, ".next", "required-server-files.json");
  if (!existsSync(file)) return;
  const { config } = JSON.parse(readFileSync(file, "utf8")) as { config: unknown };
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ??= JSON.stringify(config);
}
