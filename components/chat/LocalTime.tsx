"use client";

import { formatMessageTime } from "@/lib/web/display";
import { useInBrowser } from "@/lib/web/use-in-browser";

/**
 * The reader's local time exists only in the browser: the server render leaves it empty and
 * hydration fills it in, rather than showing the server's time zone.
 */
export function LocalTime({ iso, format = formatMessageTime }: { iso: string; format?: (iso: string) => string }) {
  return <time dateTime={iso}>{useInBrowser() ? format(iso) : ""}</time>;
}
