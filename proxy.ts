import { NextResponse, type NextRequest } from "next/server";

import { pageContentSecurityPolicy } from "@/lib/http/security-headers";

/**
 * Gives every page render a fresh CSP nonce. Next.js reads the nonce from the request's
 * Content-Security-Policy header and puts it on the scripts it writes into the page.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = pageContentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

// Only the pages: API responses keep the locked-down policy the request guard gives them.
export const config = { matcher: ["/", "/chat"] };
