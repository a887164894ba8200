import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * /docs: Swagger UI reading /openapi.json, served by the app itself (no CDN). Its script and
 * style sheet come from the swagger-ui-dist package; next.config.mjs has them traced into the
 * standalone bundle.
 */
export const REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pneumatic Chat API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`;

/**
 * What the reference page may load: its own script and styles (Swagger UI sets inline styles),
 * the document, and nothing from elsewhere; no framing.
 */
export const REFERENCE_PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// A file, not an inline script, so a Content-Security-Policy without 'unsafe-inline' allows it.
const START_SCRIPT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#reference", deepLinking: true });\n`;

const PACKAGE_FILES: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

export interface Asset {
  body: string;
  contentType: string;
}

/** One of the page's assets by file name, or null for any other name. */
export async function referenceAsset(name: string): Promise<Asset | null> {
  if (name === "start.js") return { body: START_SCRIPT, contentType: "text/javascript; charset=utf-8" };
  const contentType = PACKAGE_FILES[name];
  if (!contentType) return null;
  const file = path.join(/* turbopackIgnore: true */ process.cwd(), "node_modules", "swagger-ui-dist", name);
  return { body: await readFile(file, "utf8"), contentType };
}
