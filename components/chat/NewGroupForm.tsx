"use client";

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";

import { createGroupConversation } from "@/app/chat/actions";
import type { ConversationDto } from "@/lib/chat/present";
import { reachable } from "@/lib/web/action-result";

interface NewGroupFormProps {
  onCreated: (conversation: ConversationDto) => void;
  onCancel: () => void;
}

export function NewGroupForm({ onCreated, onCancel }: NewGroupFormProps) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => nameInput.current?.focus(), []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const title = String(data.get("title") ?? "");
    const usernames = String(data.get("usernames") ?? "");
    const found: Record<string, string> = {};
    if (!title.trim()) found.title = "Group name is required";
    if (!usernames.split(",").some((name) => name.trim())) found.usernames = "Name at least one member";
    if (Object.keys(found).length) return setErrors(found);
    setBusy(true);
    const result = await reachable(createGroupConversation({ title, usernames }));
    setBusy(false);
    if (result.ok) return onCreated(result.data);
    setErrors(result.fieldErrors && Object.keys(result.fieldErrors).length ? result.fieldErrors : { form: result.error });
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Escape") onCancel();
  }

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label="New group chat" className="space-y-3 rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
      <div className="space-y-1">
        <label htmlFor="group-title" className="block text-xs font-semibold text-slate-600">
          Group name
        </label>
        <input
          id="group-title"
          name="title"
          ref={nameInput}
          maxLength={100}
          aria-invalid={errors.title ? true : undefined}
          aria-describedby={errors.title ? "group-title-error" : undefined}
          className="block w-full rounded-lg border border-slate-300 px-2.5 py-1.5 text-base outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
        />
        {errors.title ? (
          <p id="group-title-error" className="text-xs text-red-700">
            {errors.title}
          </p>
        ) : null}
      </div>
      <div className="space-y-1">
        <label htmlFor="group-usernames" className="block text-xs font-semibold text-slate-600">
          Members (usernames, comma-separated)
        </label>
        <input
          id="group-usernames"
          name="usernames"
          autoCapitalize="none"
          placeholder="alice, bob"
          aria-invalid={errors.usernames ? true : undefined}
          aria-describedby={errors.usernames ? "group-usernames-error" : undefined}
          className="block w-full rounded-lg border border-slate-300 px-2.5 py-1.5 text-base outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
        />
        {errors.usernames ? (
          <p id="group-usernames-error" className="text-xs text-red-700">
            {errors.usernames}
          </p>
        ) : null}
      </div>
      {errors.form ? (
        <p role="alert" className="text-xs text-red-700">
          {errors.form}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={busy}
          className="flex-1 rounded-lg bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
        >
          {busy ? "Creating…" : "Create group"}
        </button>
        <button
          type="button"
          onClick={onCancel}
          className="rounded-lg px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
