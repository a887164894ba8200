"use client";

import { useEffect, useRef, useState, useSyncExternalStore, type FormEvent, type KeyboardEvent } from "react";

import { MAX_MESSAGE_LENGTH } from "@/lib/chat/limits";
import type { UserDto } from "@/lib/chat/present";
import { displayName } from "@/lib/web/display";
import { loadDraft, saveDraft, subscribeDrafts } from "@/lib/web/drafts";
import { activeMention, completeMention, type ActiveMention } from "@/lib/web/mention-completion";

/** The message a reply being written quotes. */
export interface ReplyTarget {
  id: string;
  sender: string;
  content: string;
}

interface ComposerProps {
  conversationId: string;
  /** Offered as @mentions while typing. */
  members?: readonly UserDto[];
  replyingTo?: ReplyTarget | null;
  onCancelReply?: () => void;
  onSend: (content: string) => void;
  /** The user typed into the draft: others may be told (the caller decides how often). */
  onTyping?: () => void;
}

const MAX_SUGGESTIONS = 6;

/** Enter sends, Shift+Enter starts a new line; typing @ suggests the conversation's members. */
export function Composer({ conversationId, members = [], replyingTo = null, onCancelReply, onSend, onTyping }: ComposerProps) {
  // The server render has no storage: it starts empty and the browser fills the kept draft in.
  const draft = useSyncExternalStore(subscribeDrafts, () => loadDraft(conversationId), () => "");
  const [mention, setMention] = useState<ActiveMention | null>(null);
  const [selected, setSelected] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);

  // A wide screen has a keyboard; on a phone, focusing would throw the on-screen keyboard up unasked.
  useEffect(() => {
    if (window.matchMedia?.("(min-width: 768px)").matches) input.current?.focus();
  }, [conversationId, replyingTo]);

  function edit(text: string) {
    saveDraft(conversationId, text);
  }

  const suggestions = mention
    ? members.filter((member) => member.username.toLowerCase().startsWith(mention.prefix)).slice(0, MAX_SUGGESTIONS)
    : [];

  function send() {
    const content = draft.trim();
    if (!content) return;
    onSend(content);
    edit("");
    setMention(null);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send();
  }

  function track(text: string, caret: number) {
    edit(text);
    if (text.trim()) onTyping?.();
    setMention(activeMention(text, caret));
    setSelected(0);
  }

  function pick(member: UserDto) {
    const element = input.current;
    if (!mention || !element) return;
    const next = completeMention(draft, element.selectionStart, mention, member.username);
    edit(next.text);
    setMention(null);
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(next.caret, next.caret);
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (suggestions.length > 0) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setSelected((selected + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pick(suggestions[selected] ?? suggestions[0]!);
        return;
      }
      if (event.key === "Escape") {
        setMention(null);
        return;
      }
    }
    if (event.key === "Escape" && replyingTo) onCancelReply?.();
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form onSubmit={onSubmit} className="relative border-t border-slate-200 bg-white p-3">
      {replyingTo ? (
        <div className="mb-2 flex items-center gap-2 rounded-lg border-l-4 border-indigo-400 bg-slate-50 px-2 py-1 text-xs text-slate-600" data-testid="replying-to">
          <span className="min-w-0 flex-1 truncate">
            Replying to <span className="font-semibold">{replyingTo.sender}</span>: {replyingTo.content}
          </span>
          <button type="button" onClick={onCancelReply} aria-label="Cancel reply" className="rounded px-1 hover:bg-slate-200">
            ✕
          </button>
        </div>
      ) : null}
      {suggestions.length > 0 ? (
        <ul role="listbox" aria-label="Mention suggestions" className="absolute bottom-full left-3 mb-1 w-64 rounded-xl bg-white p-1 shadow-lg ring-1 ring-slate-200">
          {suggestions.map((member, index) => (
            <li
              key={member.id}
              role="option"
              aria-selected={index === selected}
              onPointerDown={(event) => {
                event.preventDefault();
                pick(member);
              }}
              className={`cursor-pointer rounded-lg px-2 py-1 text-sm ${index === selected ? "bg-indigo-100" : "hover:bg-slate-100"}`}
            >
              <span className="font-medium">@{member.username}</span> <span className="text-slate-500">{displayName(member)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex items-end gap-2">
        <label htmlFor="composer" className="sr-only">
          Message
        </label>
        <textarea
          id="composer"
          ref={input}
          rows={1}
          value={draft}
          maxLength={MAX_MESSAGE_LENGTH}
          onChange={(event) => track(event.target.value, event.target.selectionStart)}
          onKeyDown={onKeyDown}
          placeholder="Write a message…"
          aria-autocomplete="list"
          className="max-h-40 min-h-[2.75rem] flex-1 resize-none rounded-xl border border-slate-300 bg-slate-50 px-3 py-2.5 text-base outline-none focus:border-indigo-500 focus:bg-white focus:ring-2 focus:ring-indigo-200"
        />
        <button
          type="submit"
          disabled={!draft.trim()}
          className="h-11 rounded-xl bg-indigo-600 px-4 font-semibold text-white transition hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50"
        >
          Send
        </button>
      </div>
    </form>
  );
}
