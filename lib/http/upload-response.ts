import { Readable } from "node:stream";

import type { ServedUpload } from "@/lib/chat/uploads";

/** Images show in the page; anything else is downloaded, never rendered by the browser. */
function disposition({ upload, contentType }: ServedUpload): string {
  const kind = contentType.startsWith("image/") ? "inline" : "attachment";
  const ascii = upload.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(upload.name)}`;
}

/**
 * An uploaded file as a response: its sniffed type, never re-sniffed by the browser, and a CSP
 * that leaves uploaded HTML or SVG inert even if opened directly.
 */
export function uploadResponse(served: ServedUpload): Response {
  return new Response(Readable.toWeb(served.body) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": served.contentType,
      "Content-Disposition": disposition(served),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      // Uploads never change, but who may read them does: browsers keep them, shared caches do not.
      "Cache-Control": "private, max-age=3600",
    },
  });
}
