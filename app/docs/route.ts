import { REFERENCE_PAGE } from "@/lib/api/reference-page";

export function GET(): Response {
  return new Response(REFERENCE_PAGE, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}
