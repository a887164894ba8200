"use client";

import { useState, type FormEvent } from "react";

import { searchAction } from "@/app/chat/actions";
import type { ConversationDto, MessageDto, UserDto } from "@/lib/chat/present";
import { reachable } from "@/lib/web/action-result";
import { conversationLabel, displayName } from "@/lib/web/display";

interface SearchBoxProps {
  me: UserDto;
  conversations: readonly ConversationDto[];
  /** Opens the message's conversation at the message. */
  onOpen: (message: MessageDto) => void;
}

/** Full-text search over the user's conversations; a result opens its conversation at the message. */
export function SearchBox({ me, conversations, onOpen }: SearchBoxProps) {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<MessageDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!query.trim()) return setResults(null);
    const result = await reachable(searchAction({ q: query }));
    setError(result.ok ? null : result.error);
    setResults(result.ok ? result.data : null);
  }

  const byId = new Map(conversations.map((conversation) => [conversation.id, conversation]));
  const senderOf = (message: MessageDto) => {
    if (message.sender_id === me.id) return "You";
    const sender = byId.get(message.conversation_id)?.members.find((member) => member.id === message.sender_id);
    return sender ? displayName(sender) : "Former member";
  };

  return (
    <div>
      <form role="search" onSubmit={(event) => void onSubmit(event)}>
        <label htmlFor="message-search" className="sr-only">
          Search messages
        </label>
        <input
          id="message-search"
          type="search"
          value={query}
          maxLength={200}
          onChange={(event) => {
            setQuery(event.target.value);
            if (!event.target.value) setResults(null);
          }}
          placeholder="Search messages…"
          className="w-full rounded-xl border border-slate-300 bg-white px-3 py-2 text-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
        />
      </form>
      {error ? (
        <p role="alert" className="mt-1 px-1 text-xs text-red-700">
          {error}
        </p>
      ) : null}
      {results ? (
        <ul aria-label="Search results" className="mt-2 space-y-0.5">
          {results.length === 0 ? <li className="px-1 text-sm text-slate-500">No messages found.</li> : null}
          {results.map((message) => {
            const conversation = byId.get(message.conversation_id);
            return (
              <li key={message.id}>
                <button
                  type="button"
                  onClick={() => {
                    setResults(null);
                    onOpen(message);
                  }}
                  className="w-full rounded-xl px-2 py-1.5 text-left hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
                >
                  <span className="block truncate text-xs text-slate-500">
                    {conversation ? conversationLabel(conversation, me.id).name : "Conversation"} · {senderOf(message)}
                  </span>
                  <span className="block truncate text-sm text-slate-900">{message.content}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
