"use client";

import Link from "next/link";
import { useState, type ReactNode } from "react";

import type { ConversationDto, UserDto } from "@/lib/chat/present";
import type { ConnectionStatus } from "@/lib/web/chat-store";
import { conversationLabel, displayName } from "@/lib/web/display";

import { ConnectionBadge } from "./ConnectionBadge";
import { NewGroupForm } from "./NewGroupForm";

interface SidebarProps {
  me: UserDto;
  conversations: readonly ConversationDto[];
  users: readonly UserDto[];
  openId: string | null;
  status: ConnectionStatus;
  onOpenUser: (user: UserDto) => void;
  onGroupCreated: (conversation: ConversationDto) => void;
  onLogout: () => void;
  /** Conversations where the user was mentioned and has not looked yet. */
  mentioned: ReadonlySet<string>;
  /** Shown above the conversations: the message search. */
  children?: ReactNode;
}

function initials(name: string): string {
  return name.replace(/^👥\s*/u, "").slice(0, 1).toUpperCase();
}

export function Sidebar({ me, conversations, users, openId, status, onOpenUser, onGroupCreated, onLogout, mentioned, children }: SidebarProps) {
  const [creatingGroup, setCreatingGroup] = useState(false);

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
          className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-indigo-50 ring-1 ring-white/30 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-white"
        >
          Log out
        </button>
      </header>

      <div className="flex-1 space-y-5 overflow-y-auto p-3">
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
          {conversations.length === 0 ? (
            <p className="px-1 text-sm text-slate-500">No conversations yet. Pick someone below to start one.</p>
          ) : (
            <ul className="space-y-0.5">
              {conversations.map((conversation) => {
                const label = conversationLabel(conversation, me.id);
                const active = conversation.id === openId;
                const last = conversation.last_message;
                return (
                  <li key={conversation.id}>
                    <Link
                      href={`/chat?c=${conversation.id}`}
                      aria-current={active ? "page" : undefined}
                      className={`flex items-center gap-3 rounded-xl px-2 py-2 focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                        active ? "bg-indigo-100" : "hover:bg-slate-100"
                      }`}
                    >
                      <span
                        aria-hidden="true"
                        className={`flex h-9 w-9 shrink-0 items-center justify-center rounded-full text-sm font-bold ${
                          conversation.is_group ? "bg-amber-100 text-amber-800" : "bg-indigo-100 text-indigo-800"
                        }`}
                      >
                        {conversation.is_group ? "👥" : initials(label.name)}
                      </span>
                      <span className="min-w-0 flex-1">
                        <span className="flex items-baseline justify-between gap-2">
                          <span className="truncate text-sm font-semibold text-slate-900" data-testid="conversation-name">
                            {label.name}
                          </span>
                          {mentioned.has(conversation.id) ? (
                            <span data-testid="mentioned" aria-label="You were mentioned" className="shrink-0 rounded-full bg-amber-300 px-1.5 text-xs font-bold text-amber-950">
                              @
                            </span>
                          ) : null}
                          {conversation.is_group ? <span className="shrink-0 text-xs text-slate-500">{label.detail}</span> : null}
                        </span>
                        <span className="block truncate text-xs text-slate-500">{last ? (last.deleted ? "Message deleted" : last.content) : "No messages yet"}</span>
                      </span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          )}
        </nav>

        <section aria-labelledby="users-heading">
          <h2 id="users-heading" className="px-1 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
            People
          </h2>
          {users.length === 0 ? (
            <p className="px-1 text-sm text-slate-500">Nobody else has signed up yet.</p>
          ) : (
            <ul className="space-y-0.5">
              {users.map((user) => (
                <li key={user.id}>
                  <button
                    type="button"
                    onClick={() => onOpenUser(user)}
                    aria-label={`Chat with ${displayName(user)}`}
                    className="flex w-full items-center gap-3 rounded-xl px-2 py-1.5 text-left hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
                  >
                    <span aria-hidden="true" className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-slate-200 text-sm font-bold text-slate-700">
                      {initials(displayName(user))}
                    </span>
                    <span className="min-w-0">
                      <span className="block truncate text-sm font-medium text-slate-900">{displayName(user)}</span>
                      <span className="block truncate text-xs text-slate-500">@{user.username}</span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
