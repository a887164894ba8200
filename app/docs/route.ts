import { REFERENCE_PAGE, REFERENCE_PAGE_POLICY } from "@/lib/api/reference-page";

export function GET(): Response {
  return new Response(REFERENCE_PAGE, {
    headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": REFERENCE_PAGE_POLICY },
  });
}
