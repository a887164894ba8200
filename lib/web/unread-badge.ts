"use client";

import { useEffect } from "react";

/** The tab's title with the unread total in front, as mail and chat tabs show it. */
export function titleWithUnread(title: string, total: number): string {
  return total > 0 ? `(${total > 99 ? "99+" : total}) ${title}` : title;
}

const ICON_SIZE = 64;

/** Drawn icons by the text on their badge: at most ten, each encoded once. */
const drawn = new Map<string, string>();

/**
 * The favicon with a red count drawn on it, as a data: URL (the page's CSP allows data: images).
 * Null where a canvas cannot be drawn on.
 */
function badgedIcon(base: HTMLImageElement | null, total: number): string | null {
  const label = total > 9 ? "9+" : String(total);
  const known = drawn.get(label);
  if (known) return known;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = ICON_SIZE;
  const context = canvas.getContext("2d");
  if (!context) return null;
  if (base?.complete && base.naturalWidth > 0) context.drawImage(base, 0, 0, ICON_SIZE, ICON_SIZE);
  context.fillStyle = "#dc2626";
  context.beginPath();
  context.arc(ICON_SIZE * 0.68, ICON_SIZE * 0.32, ICON_SIZE * 0.32, 0, Math.PI * 2);
  context.fill();
  context.fillStyle = "#ffffff";
  context.font = `bold ${ICON_SIZE * 0.4}px sans-serif`;
  context.textAlign = "center";
  context.textBaseline = "middle";
  context.fillText(label, ICON_SIZE * 0.68, ICON_SIZE * 0.34);
  const url = canvas.toDataURL("image/png");
  drawn.set(label, url);
  return url;
}

/** Puts the total on the favicon links, or takes it off at zero. */
function showOnIcon(total: number, isCurrent: () => boolean): void {
  const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]')];
  for (const link of links) link.dataset.plainHref ??= link.href;
  const plain = links[0]?.dataset.plainHref;
  if (total === 0 || !plain) {
    for (const link of links) link.href = link.dataset.plainHref ?? link.href;
    return;
  }
  const known = drawn.get(total > 9 ? "9+" : String(total));
  if (known) {
    for (const link of links) link.href = known;
    return;
  }
  const base = new Image();
  base.onload = base.onerror = () => {
    const badged = isCurrent() ? badgedIcon(base, total) : null;
    if (badged) for (const link of links) link.href = badged;
  };
  base.src = plain;
}

/**
 * Keeps the favicon showing the unread total; it returns to normal at zero. Next puts the page's
 * own icons back in the head on navigations and refreshes, without this component rendering
 * again: the head is watched, and the total put back.
 */
export function useUnreadBadge(total: number): void {
  useEffect(() => {
    let current = true;
    const show = () => showOnIcon(total, () => current);
    show();
    // Elements only: the hrefs set here are not changes to react to.
    const head = new MutationObserver(show);
    head.observe(document.head, { childList: true, subtree: true });
    return () => {
      current = false;
      head.disconnect();
    };
  }, [total]);
}
