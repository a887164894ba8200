"use client";

import { useSyncExternalStore } from "react";

import { formatMessageTime } from "@/lib/web/display";

const noSubscription = () => () => undefined;

/**
 * The reader's local time exists only in the browser: the server render leaves it empty and
 * hydration fills it in, rather than showing the server's time zone.
 */
export function LocalTime({ iso, format = formatMessageTime }: { iso: string; format?: (iso: string) => string }) {
  const text = useSyncExternalStore(
    noSubscription,
    () => format(iso),
    () => "",
  );
  return <time dateTime={iso}>{text}</time>;
}
