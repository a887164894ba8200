"use client";

import { useEffect, useRef } from "react";

/** The emoji offered for reactions: the ones chat products put first. */
export const PICKER_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "🔥", "👀", "✅", "👏", "🤔", "💯", "🚀", "😀", "👎"];

interface EmojiPickerProps {
  onPick: (emoji: string) => void;
  onClose: () => void;
}

/** A grid of emoji buttons; Esc or a click elsewhere closes it. */
export function EmojiPicker({ onPick, onClose }: EmojiPickerProps) {
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    panel.current?.querySelector("button")?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!panel.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [onClose]);

  return (
    <div
      ref={panel}
      role="dialog"
      aria-label="Pick a reaction"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
      className="z-20 grid w-64 grid-cols-8 gap-0.5 rounded-xl bg-white p-1.5 shadow-lg ring-1 ring-slate-200"
    >
      {PICKER_EMOJI.map((emoji) => (
        <button
          key={emoji}
          type="button"
          aria-label={`React with ${emoji}`}
          onClick={() => onPick(emoji)}
          className="rounded-lg p-1 text-lg hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
