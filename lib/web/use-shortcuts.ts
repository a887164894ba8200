"use client";

import { useEffect, useRef } from "react";

export interface Shortcuts {
  /** Ctrl+K (⌘K on a Mac): to the conversation filter. */
  onFilter: () => void;
  /** Alt+↑ / Alt+↓: the previous or next conversation in the list. */
  onMove: (step: -1 | 1) => void;
  /** Esc that nothing closer used (a picker, a reply, the filter). */
  onEscape: () => void;
}

/** The chat screen's keyboard shortcuts, listened for on the whole window. */
export function useShortcuts(shortcuts: Shortcuts): void {
  const latest = useRef(shortcuts);
  useEffect(() => {
    latest.current = shortcuts;
  });
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.isComposing) return;
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
        event.preventDefault();
        latest.current.onFilter();
      } else if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        latest.current.onMove(event.key === "ArrowUp" ? -1 : 1);
      } else if (event.key === "Escape") {
        latest.current.onEscape();
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
