"use client";

import { memo, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent } from "react";

import { MAX_MESSAGE_LENGTH } from "@/lib/chat/limits";
import type { AttachmentDto, UserDto } from "@/lib/chat/present";
import { displayName, formatBytes } from "@/lib/web/display";
import { loadDraft, saveDraft, subscribeDrafts } from "@/lib/web/drafts";
import { activeMention, completeMention, type ActiveMention } from "@/lib/web/mention-completion";
import { uploadFile, UploadCancelled, type UploadTask } from "@/lib/web/upload";

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
  onSend: (content: string, attachments: AttachmentDto[]) => void;
  /** The user typed into the draft: others may be told (the caller decides how often). */
  onTyping?: () => void;
}

const MAX_SUGGESTIONS = 6;

/** A file chosen for the next message: uploading, uploaded, or refused. */
interface Staged {
  key: string;
  name: string;
  size: number;
  progress: number;
  task: UploadTask;
  attachment: AttachmentDto | null;
  error: string | null;
}

let stagedCount = 0;

const NO_MEMBERS: readonly UserDto[] = [];

/**
 * Enter sends, Shift+Enter starts a new line; typing @ suggests the conversation's members.
 * Files come by button, drag-and-drop or paste. Memoized: a message arriving leaves it be.
 */
export const Composer = memo(function Composer({ conversationId, members = NO_MEMBERS, replyingTo = null, onCancelReply, onSend, onTyping }: ComposerProps) {
  // The server render has no storage: it starts empty and the browser fills the kept draft in.
  const draft = useSyncExternalStore(subscribeDrafts, () => loadDraft(conversationId), () => "");
  const [mention, setMention] = useState<ActiveMention | null>(null);
  const [selected, setSelected] = useState(0);
  const [staged, setStaged] = useState<Staged[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const caretAfterPick = useRef<number | null>(null);

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

  function update(key: string, change: Partial<Staged>) {
    setStaged((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }

  function stage(files: Iterable<File>) {
    for (const file of files) {
      const key = `staged-${++stagedCount}`;
      const task = uploadFile(file, (progress) => update(key, { progress }));
      setStaged((list) => [...list, { key, name: file.name, size: file.size, progress: 0, task, attachment: null, error: null }]);
      task.done.then(
        (attachment) => update(key, { attachment, progress: 1 }),
        (error: unknown) => {
          if (!(error instanceof UploadCancelled)) update(key, { error: error instanceof Error ? error.message : "Upload failed" });
        },
      );
    }
  }

  function discard(item: Staged) {
    item.task.cancel();
    setStaged((list) => list.filter((other) => other.key !== item.key));
  }

  const uploading = staged.some((item) => !item.attachment && !item.error);
  const ready = staged.flatMap((item) => (item.attachment ? [item.attachment] : []));
  const canSend = !uploading && (draft.trim() !== "" || ready.length > 0);

  function send() {
    if (!canSend) return;
    onSend(draft.trim(), ready);
    edit("");
    setStaged([]);
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
    caretAfterPick.current = next.caret;
    edit(next.text);
    setMention(null);
  }

  // Placed as the completed text is committed, before the next keystroke: a caret placed a frame
  // later would drop the letters typed in between behind it.
  useLayoutEffect(() => {
    const element = input.current;
    if (caretAfterPick.current === null || !element) return;
    element.focus();
    element.setSelectionRange(caretAfterPick.current, caretAfterPick.current);
    caretAfterPick.current = null;
  });

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

  function onPaste(event: ClipboardEvent) {
    if (event.clipboardData.files.length === 0) return;
    event.preventDefault();
    stage(event.clipboardData.files);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    stage(event.dataTransfer.files);
  }

  return (
    <form
      onSubmit={onSubmit}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      className={`relative border-t border-slate-200 bg-white p-3 ${dragging ? "ring-2 ring-inset ring-indigo-400" : ""}`}
      data-testid="composer"
    >
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
              <span className="font-medium">@{member.username}</span> <span className="text-slate-600">{displayName(member)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {staged.length > 0 ? (
        <ul className="mb-2 flex flex-wrap gap-2" aria-label="Files to send">
          {staged.map((item) => (
            <li key={item.key} className="flex max-w-full items-center gap-2 rounded-xl bg-slate-100 px-3 py-1.5 text-sm" data-testid="staged-file">
              <span className="min-w-0 truncate font-medium text-slate-800">{item.name}</span>
              <span className="shrink-0 text-xs text-slate-500">
                {item.error ?? (item.attachment ? formatBytes(item.size) : `${Math.round(item.progress * 100)}%`)}
              </span>
              {!item.attachment && !item.error ? (
                <progress className="h-1.5 w-16" max={1} value={item.progress} aria-label={`Uploading ${item.name}`} />
              ) : null}
              <button
                type="button"
                onClick={() => discard(item)}
                className="shrink-0 rounded px-1 text-slate-500 hover:bg-slate-200 hover:text-slate-800"
                aria-label={`${item.attachment || item.error ? "Remove" : "Cancel upload of"} ${item.name}`}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex items-end gap-2">
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(event) => {
            if (event.target.files) stage(event.target.files);
            event.target.value = "";
          }}
        />
        <button
          type="button"
          onClick={() => picker.current?.click()}
          className="h-11 shrink-0 rounded-xl px-3 text-xl text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
          aria-label="Attach files"
        >
          📎
        </button>
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
          onPaste={onPaste}
          placeholder="Write a message…"
          aria-autocomplete="list"
          className="max-h-40 min-h-[2.75rem] min-w-0 flex-1 resize-none rounded-xl border border-slate-300 bg-slate-50 px-3 py-2.5 text-base outline-none focus:border-indigo-500 focus:bg-white focus:ring-2 focus:ring-indigo-200"
        />
        <button
          type="submit"
          disabled={!canSend}
          className="h-11 rounded-xl bg-indigo-600 px-4 font-semibold text-white transition hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50"
        >
          Send
        </button>
      </div>
    </form>
  );
});
