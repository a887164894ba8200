import { NextResponse, type NextRequest } from "next/server";

import { actionBodyProblem } from "@/lib/http/action-request";
import { pageContentSecurityPolicy } from "@/lib/http/security-headers";

/**
 * Runs before every page render and server action (both are requests to a page's path):
 * gives the page a fresh CSP nonce, which Next.js reads from the request's
 * Content-Security-Policy header and puts on the scripts it writes, and refuses action
 * bodies that Next.js could not decode, and posts to a page that are not server actions.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  if (request.method === "POST") {
    // A form posted without the page's script would still be decoded as a server action, past
    // the request guard's origin check (which reads Next-Action), and Next.js answers a
    // truncated or oversized one with a 500.
    if (!request.headers.has("next-action")) {
      return NextResponse.json({ detail: "A page takes server actions only from its own script (with Next-Action)" }, { status: 400 });
    }
    const problem = actionBodyProblem(request.headers.get("content-type"), await request.text());
    if (problem) return NextResponse.json({ detail: problem.detail }, { status: problem.status });
  }
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
