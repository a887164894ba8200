"use client";

import { useEffect, useState, useSyncExternalStore, type RefObject } from "react";

function subscribeVisibility(listener: () => void): () => void {
  document.addEventListener("visibilitychange", listener);
  return () => document.removeEventListener("visibilitychange", listener);
}

/** Whether the page is shown: a hidden tab reads nothing. The server render counts as hidden. */
export function usePageVisible(): boolean {
  return useSyncExternalStore(
    subscribeVisibility,
    () => document.visibilityState === "visible",
    () => false,
  );
}

/** Whether the element is inside its scrolling ancestor's visible area right now. */
export function useInView(target: RefObject<Element | null>, root: RefObject<Element | null>): boolean {
  const [inView, setInView] = useState(false);
  useEffect(() => {
    const element = target.current;
    if (!element || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => setInView(entries.some((entry) => entry.isIntersecting)), { root: root.current });
    observer.observe(element);
    return () => observer.disconnect();
  }, [target, root]);
  return inView;
}
