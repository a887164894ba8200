"use client";

import { useEffect, useRef, useSyncExternalStore, type FormEvent, type KeyboardEvent } from "react";

import { MAX_MESSAGE_LENGTH } from "@/lib/chat/limits";
import { loadDraft, saveDraft, subscribeDrafts } from "@/lib/web/drafts";

interface ComposerProps {
  conversationId: string;
  onSend: (content: string) => void;
}

/** Enter sends, Shift+Enter starts a new line. */
export function Composer({ conversationId, onSend }: ComposerProps) {
  // The server render has no storage: it starts empty and the browser fills the kept draft in.
  const draft = useSyncExternalStore(subscribeDrafts, () => loadDraft(conversationId), () => "");
  const input = useRef<HTMLTextAreaElement>(null);

  function edit(text: string) {
    saveDraft(conversationId, text);
  }

  // A wide screen has a keyboard; on a phone, focusing would throw the on-screen keyboard up unasked.
  useEffect(() => {
    if (window.matchMedia?.("(min-width: 768px)").matches) input.current?.focus();
  }, [conversationId]);

  function send() {
    const content = draft.trim();
    if (!content) return;
    onSend(content);
    edit("");
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form onSubmit={onSubmit} className="flex items-end gap-2 border-t border-slate-200 bg-white p-3">
      <label htmlFor="composer" className="sr-only">
        Message
      </label>
      <textarea
        id="composer"
        ref={input}
        rows={1}
        value={draft}
        maxLength={MAX_MESSAGE_LENGTH}
        onChange={(event) => edit(event.target.value)}
        onKeyDown={onKeyDown}
        placeholder="Write a message…"
        className="max-h-40 min-h-[2.75rem] flex-1 resize-none rounded-xl border border-slate-300 bg-slate-50 px-3 py-2.5 text-base outline-none focus:border-indigo-500 focus:bg-white focus:ring-2 focus:ring-indigo-200"
      />
      <button
        type="submit"
        disabled={!draft.trim()}
        className="h-11 rounded-xl bg-indigo-600 px-4 font-semibold text-white transition hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50"
      >
        Send
      </button>
    </form>
  );
}
