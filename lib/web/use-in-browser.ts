"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => undefined;

/**
 * False in the server render and while hydrating, true from the render after: what depends on
 * the reader's browser (their time zone) is rendered only then, so that hydration finds the
 * markup the server sent.
 */
export function useInBrowser(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
