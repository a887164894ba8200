import { existsSync } from "node:fs";

/** The API tests run the compiled production server, which serves what `next build` produced. */
export default function setup(): void {
  if (!existsSync(".next/BUILD_ID") || !existsSync("dist/server.mjs")) {
    throw new Error("No production build found: run `npm test` (which builds first) or `npm run build`.");
  }
}
