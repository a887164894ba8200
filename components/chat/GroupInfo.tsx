"use client";

import { useState, type FormEvent } from "react";

import type { ConversationDto, UserDto } from "@/lib/chat/present";
import { displayName, formatMessageTime } from "@/lib/web/display";

import { ConnectionBadge, type ShownConnectionStatus } from "./ConnectionBadge";

interface GroupInfoProps {
  /** Shown in the panel's own header on a phone, where the panel covers the conversation's. */
  status: ShownConnectionStatus;
  me: UserDto;
  group: ConversationDto;
  /** Everyone the user may add, for the username autocomplete. */
  people: readonly UserDto[];
  onRename: (title: string) => Promise<boolean>;
  onAdd: (usernames: string[]) => Promise<boolean>;
  onRemove: (userId: string) => Promise<boolean>;
  onLeave: () => Promise<boolean>;
  onClose: () => void;
}

/** A group's members with their presence, and what members may do: rename, add, remove (its creator), leave. */
export function GroupInfo({ status, me, group, people, onRename, onAdd, onRemove, onLeave, onClose }: GroupInfoProps) {
  const [title, setTitle] = useState(group.title);
  const [adding, setAdding] = useState("");
  const [busy, setBusy] = useState(false);
  const creator = group.created_by === me.id;
  const candidates = people.filter((person) => !group.member_ids.includes(person.id));

  async function run(action: () => Promise<boolean>, then?: () => void) {
    setBusy(true);
    try {
      if ((await action()) && then) then();
    } finally {
      setBusy(false);
    }
  }

  function rename(event: FormEvent) {
    event.preventDefault();
    if (title.trim() && title.trim() !== group.title) void run(() => onRename(title.trim()));
  }

  function add(event: FormEvent) {
    event.preventDefault();
    const usernames = adding.split(",").map((name) => name.trim().replace(/^@/, "")).filter(Boolean);
    if (usernames.length > 0) void run(() => onAdd(usernames), () => setAdding(""));
  }

  return (
    <aside
      aria-label="Group info"
      className="absolute inset-0 z-20 flex flex-col overflow-y-auto bg-white md:left-auto md:w-80 md:border-l md:border-slate-200 md:shadow-xl"
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
        <h2 className="font-semibold text-slate-900">Group info</h2>
        <ConnectionBadge status={status} className="ml-auto mr-2 bg-slate-100 text-slate-700 md:hidden" />
        <button type="button" onClick={onClose} className="rounded-lg px-2 py-1 text-slate-600 hover:bg-slate-100" aria-label="Close group info">
          ✕
        </button>
      </div>

      <form onSubmit={rename} className="flex gap-2 border-b border-slate-200 p-4">
        <label htmlFor="group-title" className="sr-only">
          Group name
        </label>
        <input
          id="group-title"
          value={title}
          maxLength={100}
          onChange={(event) => setTitle(event.target.value)}
          className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2 text-base"
        />
        <button type="submit" disabled={busy || !title.trim() || title.trim() === group.title} className="rounded-lg bg-indigo-600 px-3 py-2 text-sm font-semibold text-white disabled:opacity-50">
          Rename
        </button>
      </form>

      <section aria-label="Members" className="border-b border-slate-200 p-4">
        <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{group.members.length} members</h3>
        <ul className="space-y-2">
          {group.members.map((member) => (
            <li key={member.id} className="flex items-center gap-2" data-testid="group-member">
              <span
                className={`h-2.5 w-2.5 shrink-0 rounded-full ${member.online ? "bg-emerald-500" : "bg-slate-300"}`}
                aria-label={member.online ? "online" : "offline"}
                role="img"
              />
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm font-medium text-slate-800">
                  {member.id === me.id ? "You" : displayName(member)}
                  {member.id === group.created_by ? <span className="ml-1 text-xs font-normal text-slate-500">(creator)</span> : null}
                </span>
                <span className="block truncate text-xs text-slate-500">
                  @{member.username}
                  {!member.online && member.last_seen_at ? ` · last seen ${formatMessageTime(member.last_seen_at)}` : ""}
                </span>
              </span>
              {creator && member.id !== me.id ? (
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void run(() => onRemove(member.id))}
                  className="rounded-lg px-2 py-1 text-xs font-medium text-red-700 hover:bg-red-50"
                  aria-label={`Remove ${member.username}`}
                >
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <form onSubmit={add} className="space-y-2 border-b border-slate-200 p-4">
        <label htmlFor="group-add" className="block text-xs font-semibold uppercase tracking-wide text-slate-500">
          Add people
        </label>
        <div className="flex gap-2">
          <input
            id="group-add"
            list="group-add-people"
            value={adding}
            onChange={(event) => setAdding(event.target.value)}
            placeholder="username"
            autoComplete="off"
            className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2 text-base"
          />
          <button type="submit" disabled={busy || !adding.trim()} className="rounded-lg bg-indigo-600 px-3 py-2 text-sm font-semibold text-white disabled:opacity-50">
            Add
          </button>
        </div>
        <datalist id="group-add-people">
          {candidates.map((person) => (
            <option key={person.id} value={person.username}>
              {displayName(person)}
            </option>
          ))}
        </datalist>
      </form>

      <div className="p-4">
        <button type="button" disabled={busy} onClick={() => void run(onLeave)} className="w-full rounded-lg px-3 py-2 text-sm font-semibold text-red-700 ring-1 ring-red-200 hover:bg-red-50">
          Leave group
        </button>
      </div>
    </aside>
  );
}
