"use client";

import type { ReactionDto } from "@/lib/chat/present";

interface ReactionChipsProps {
  reactions: readonly ReactionDto[];
  meId: string;
  onToggle: (emoji: string, on: boolean) => void;
}

/** One chip per emoji with its count; the reader's own are pressed, and a click toggles them. */
export function ReactionChips({ reactions, meId, onToggle }: ReactionChipsProps) {
  if (reactions.length === 0) return null;
  return (
    <ul className="mt-1 flex flex-wrap gap-1 px-1" aria-label="Reactions">
      {reactions.map(({ emoji, count, user_ids }) => {
        const mine = user_ids.includes(meId);
        return (
          <li key={emoji}>
            <button
              type="button"
              aria-pressed={mine}
              aria-label={`${emoji} ${count}${mine ? ", including you" : ""}`}
              onClick={() => onToggle(emoji, !mine)}
              className={`rounded-full px-2 py-0.5 text-xs ring-1 focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                mine ? "bg-indigo-100 text-indigo-900 ring-indigo-300" : "bg-white text-slate-700 ring-slate-200 hover:bg-slate-100"
              }`}
            >
              {emoji} <span className="font-medium">{count}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
