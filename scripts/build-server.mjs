// Compiles server.ts and the lib/ code it reaches into one ES module, dist/server.mjs, run by
// plain `node` in production. Packages Next keeps external (native drivers, ws, pino, …) and
// Next itself stay imports: they are loaded from node_modules, the same copies the route
// handlers use, and the standalone folder carries them.
import { build } from "esbuild";

import nextConfig from "../next.config.mjs";

await build({
  entryPoints: ["server.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["next", "react", "react-dom", ...nextConfig.serverExternalPackages, "bufferutil", "utf-8-validate"],
  // Bundled CommonJS (e.g. @next/env) uses require and __dirname; an ES module has neither.
  banner: {
    js: [
      'import { createRequire } from "node:module";',
      'import { dirname as __pathDirname } from "node:path";',
      'import { fileURLToPath as __fileURLToPath } from "node:url";',
      "const require = createRequire(import.meta.url);",
      "const __filename = __fileURLToPath(import.meta.url);",
      "const __dirname = __pathDirname(__filename);",
    ].join("\n"),
  },
  logLevel: "warning",
});
