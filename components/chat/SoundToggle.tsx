"use client";

import { memo, useSyncExternalStore } from "react";

import { setSoundEnabled, soundEnabled, subscribeSound } from "@/lib/web/alerts";

/** The chime on new messages, on by default, with a switch to turn it off. */
export const SoundToggle = memo(function SoundToggle() {
  const on = useSyncExternalStore(subscribeSound, soundEnabled, () => true);
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      onClick={() => setSoundEnabled(!on)}
      className="w-full rounded-xl px-3 py-1.5 text-left text-xs font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      {on ? "🔔" : "🔕"} Sound for new messages
    </button>
  );
});
