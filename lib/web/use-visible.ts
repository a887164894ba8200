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

/** An element this far outside its scroller's view is far: out of sight, and out of reach of a menu opened in view. */
const FAR_MARGIN_PX = 200;

/**
 * Marks each `[data-far-able]` child of `container` with `data-far` while it is well outside
 * the scroller's view, for CSS to skip its rendering; `layout` names the children present, so
 * new ones are observed.
 */
export function useMarkFar(container: RefObject<Element | null>, root: RefObject<Element | null>, layout: string): void {
  useEffect(() => {
    const parent = container.current;
    if (!parent || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) entry.target.toggleAttribute("data-far", !entry.isIntersecting);
      },
      { root: root.current, rootMargin: `${FAR_MARGIN_PX}px 0px` },
    );
    for (const child of parent.querySelectorAll(":scope > [data-far-able]")) observer.observe(child);
    return () => observer.disconnect();
  }, [container, root, layout]);
}
