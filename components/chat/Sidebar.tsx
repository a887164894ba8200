"use client";

import Link from "next/link";
import { memo, useState, type ReactNode } from "react";

import type { ConversationDto, UserDto } from "@/lib/chat/present";
import type { Presence } from "@/lib/web/awareness-store";
import { conversationLabel, displayName, formatListTime } from "@/lib/web/display";
import { filterConversations, filterPeople } from "@/lib/web/sidebar-filter";

import { ConnectionBadge, type ShownConnectionStatus } from "./ConnectionBadge";
import { LocalTime } from "./LocalTime";
import { NewGroupForm } from "./NewGroupForm";
import { PresenceDot, PresenceText } from "./PresenceDot";

/** The filter box's id: Ctrl+K focuses it from anywhere on the screen. */
export const FILTER_INPUT_ID = "conversation-filter";

interface SidebarProps {
  me: UserDto;
  conversations: readonly ConversationDto[];
  users: readonly UserDto[];
  openId: string | null;
  status: ShownConnectionStatus;
  onOpenUser: (user: UserDto) => void;
  onGroupCreated: (conversation: ConversationDto) => void;
  onLogout: () => void;
  /** Conversations where the user was mentioned and has not looked yet. */
  mentioned: ReadonlySet<string>;
  /** Messages by others after the user's read marker, per conversation. */
  unread?: ReadonlyMap<string, number>;
  presence?: ReadonlyMap<string, Presence>;
  /** Shown above the conversations: the message search. */
  children?: ReactNode;
}

function initials(name: string): string {
  return name.replace(/^👥\s*/u, "").slice(0, 1).toUpperCase();
}

const NO_COUNTS: ReadonlyMap<string, number> = new Map();
const NO_PRESENCE: ReadonlyMap<string, Presence> = new Map();

export function Sidebar({ me, conversations, users, openId, status, onOpenUser, onGroupCreated, onLogout, mentioned, unread = NO_COUNTS, presence = NO_PRESENCE, children }: SidebarProps) {
  const [creatingGroup, setCreatingGroup] = useState(false);
  const [query, setQuery] = useState("");
  const shownConversations = filterConversations(conversations, query, me.id);
  const shownUsers = filterPeople(users, query);

  return (
    <div className="flex h-full flex-col">
      <header className="flex items-center justify-between gap-2 bg-indigo-600 px-4 py-3 text-white">
        <div className="min-w-0">
          <p className="truncate text-sm font-semibold" data-testid="me">
            {displayName(me)}
          </p>
          <ConnectionBadge status={status} />
        </div>
        <button
          type="button"
          onClick={onLogout}
          className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-white ring-1 ring-white/30 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-white"
        >
          Log out
        </button>
      </header>

      <div className="flex-1 space-y-5 overflow-y-auto p-3">
        <div role="search" aria-label="Conversations and people" className="relative">
          <label htmlFor={FILTER_INPUT_ID} className="sr-only">
            Filter conversations and people
          </label>
          <input
            id={FILTER_INPUT_ID}
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={(event) => {
              if (event.key !== "Escape") return;
              event.preventDefault();
              setQuery("");
              event.currentTarget.blur();
            }}
            placeholder="Find a chat or person (Ctrl+K)"
            autoComplete="off"
            className="w-full rounded-xl border border-slate-300 bg-white px-3 py-2 text-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
          />
        </div>
        {children}
        <div>
          {creatingGroup ? (
            <NewGroupForm
              onCancel={() => setCreatingGroup(false)}
              onCreated={(conversation) => {
                setCreatingGroup(false);
                onGroupCreated(conversation);
              }}
            />
          ) : (
            <button
              type="button"
              onClick={() => setCreatingGroup(true)}
              className="w-full rounded-xl border-2 border-dashed border-indigo-300 px-3 py-2 text-sm font-semibold text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              + New Group Chat
            </button>
          )}
        </div>

        <nav aria-labelledby="conversations-heading">
          <h2 id="conversations-heading" className="px-1 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
            Conversations
          </h2>
          {shownConversations.length === 0 ? (
            <p className="px-1 text-sm text-slate-600">
              {query ? "No conversation matches." : "No conversations yet. Pick someone below to start one."}
            </p>
          ) : (
            <ul className="space-y-0.5">
              {shownConversations.map((conversation) => {
                const other = conversation.is_group ? undefined : conversation.members.find((member) => member.id !== me.id);
                return (
                  <ConversationRow
                    key={conversation.id}
                    conversation={conversation}
                    meId={me.id}
                    active={conversation.id === openId}
                    count={unread.get(conversation.id) ?? 0}
                    mentioned={mentioned.has(conversation.id)}
                    other={other}
                    presence={other ? presence.get(other.id) : undefined}
                  />
                );
              })}
            </ul>
          )}
        </nav>

        <section aria-labelledby="users-heading">
          <h2 id="users-heading" className="px-1 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
            People
          </h2>
          {shownUsers.length === 0 ? (
            <p className="px-1 text-sm text-slate-600">{query ? "Nobody matches." : "Nobody else has signed up yet."}</p>
          ) : (
            <ul className="space-y-0.5">
              {shownUsers.map((user) => (
                <PersonRow key={user.id} user={user} presence={presence.get(user.id)} onOpen={onOpenUser} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

interface ConversationRowProps {
  conversation: ConversationDto;
  meId: string;
  active: boolean;
  count: number;
  mentioned: boolean;
  /** The other person of a 1-on-1. */
  other: UserDto | undefined;
  presence: Presence | undefined;
}

/** A conversation in the list; re-rendered only when what it shows changed, not on every message elsewhere. */
const ConversationRow = memo(function ConversationRow({ conversation, meId, active, count, mentioned, other, presence }: ConversationRowProps) {
  const label = conversationLabel(conversation, meId);
  const last = conversation.last_message;
  return (
    <li>
      <Link
        href={`/chat?c=${conversation.id}`}
        aria-current={active ? "page" : undefined}
        data-unread={count > 0}
        className={`flex items-center gap-3 rounded-xl px-2 py-2 focus-visible:outline-2 focus-visible:outline-indigo-600 ${
          active ? "bg-indigo-100" : "hover:bg-slate-100"
        }`}
      >
        <span className="relative shrink-0">
          <span
            aria-hidden="true"
            className={`flex h-9 w-9 items-center justify-center rounded-full text-sm font-bold ${
              conversation.is_group ? "bg-amber-100 text-amber-800" : "bg-indigo-100 text-indigo-800"
            }`}
          >
            {conversation.is_group ? "👥" : initials(label.name)}
          </span>
          {other ? <PresenceDot presence={presence} className="absolute -right-0.5 -bottom-0.5" /> : null}
        </span>
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline justify-between gap-2">
            <span className={`truncate text-sm text-slate-900 ${count > 0 ? "font-bold" : "font-medium"}`} data-testid="conversation-name">
              {label.name}
            </span>
            {other ? <PresenceText presence={presence} /> : null}
            {last ? (
              <span className="ml-auto shrink-0 text-xs text-slate-600">
                <LocalTime iso={last.created_at} format={formatListTime} />
              </span>
            ) : null}
            {mentioned ? (
              <span data-testid="mentioned" aria-label="You were mentioned" className="shrink-0 rounded-full bg-amber-300 px-1.5 text-xs font-bold text-amber-950">
                @
              </span>
            ) : null}
          </span>
          <span className="flex items-center gap-2">
            <span className={`min-w-0 flex-1 truncate text-xs ${count > 0 ? "font-semibold text-slate-900" : "text-slate-600"}`} dir="auto">
              {last ? (last.deleted ? "Message deleted" : last.content) : "No messages yet"}
            </span>
            {conversation.is_group ? <span className="shrink-0 text-xs text-slate-600">{label.detail}</span> : null}
            {count > 0 ? (
              <span data-testid="unread" className="shrink-0 rounded-full bg-indigo-600 px-1.5 text-xs font-bold text-white">
                {count > 99 ? "99+" : count}
                <span className="sr-only"> unread</span>
              </span>
            ) : null}
          </span>
        </span>
      </Link>
    </li>
  );
});

/** Someone to start a 1-on-1 with. */
const PersonRow = memo(function PersonRow({ user, presence, onOpen }: { user: UserDto; presence: Presence | undefined; onOpen: (user: UserDto) => void }) {
  return (
    <li>
      <button
        type="button"
        onClick={() => onOpen(user)}
        className="flex w-full items-center gap-3 rounded-xl px-2 py-1.5 text-left hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <span className="relative shrink-0">
          <span aria-hidden="true" className="flex h-8 w-8 items-center justify-center rounded-full bg-slate-200 text-sm font-bold text-slate-700">
            {initials(displayName(user))}
          </span>
          <PresenceDot presence={presence} className="absolute -right-0.5 -bottom-0.5" />
        </span>
        <span className="min-w-0">
          <span className="block truncate text-sm font-medium text-slate-900">
            <span className="sr-only">Chat with </span>
            {displayName(user)}
            <PresenceText presence={presence} />
          </span>
          <span className="block truncate text-xs text-slate-600">@{user.username}</span>
        </span>
      </button>
    </li>
  );
});
