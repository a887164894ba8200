"use client";

import { useCallback, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

import { MAX_MESSAGE_LENGTH } from "@/lib/chat/limits";
import type { AttachmentDto, MessageDto } from "@/lib/chat/present";
import type { MentionContext } from "@/lib/web/markdown";
import type { QuotedMessage } from "@/lib/web/timeline";

import { Attachments } from "./Attachments";
import { EmojiPicker } from "./EmojiPicker";
import { MessageBody } from "./MessageBody";
import { ReactionChips } from "./ReactionChips";

/** What can be done to a stored message from the list; each resolves once the server answered. */
export interface MessageHandlers {
  onReply: (message: MessageDto) => void;
  onReact: (message: MessageDto, emoji: string, on: boolean) => void;
  onEdit: (message: MessageDto, content: string) => Promise<boolean>;
  onDelete: (message: MessageDto) => void;
  /** Shows the message with this id, loading older history if it is not loaded yet. */
  onJump: (id: string) => void;
}

export interface MessageItemProps {
  message: MessageDto;
  meId: string;
  mine: boolean;
  sender: string;
  /** The message it replies to, when that one is loaded. */
  quoted: QuotedMessage | null;
  canDelete: boolean;
  mentions: MentionContext;
  bubbleClass: string;
  handlers: MessageHandlers;
  /** Opens an attached image in the viewer. */
  onView: (image: AttachmentDto) => void;
  time: ReactNode;
  /** Follows a message by the same sender in the same minute: name and time are left to screen readers. */
  grouped?: boolean;
}

/** A touch held this long opens the actions, as a long-press does in phone chat apps. */
const LONG_PRESS_MS = 500;

const ACTION_BUTTON =
  "rounded-md px-1.5 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600";

/**
 * One stored message: its quoted original, its body (or an editor in its place), its reactions
 * and the actions on it, shown on hover, on keyboard focus, or after a long-press.
 */
export function MessageItem({ message, meId, mine, sender, quoted, canDelete, mentions, bubbleClass, handlers, onView, time, grouped = false }: MessageItemProps) {
  const [showActions, setShowActions] = useState(false);
  const [picking, setPicking] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const pressTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const closePicker = useCallback(() => setPicking(false), []);

  function cancelPress() {
    if (pressTimer.current) clearTimeout(pressTimer.current);
    pressTimer.current = null;
  }

  async function saveEdit() {
    const content = editing?.trim() ?? "";
    if (!content) return;
    if (content === message.content || (await handlers.onEdit(message, content))) setEditing(null);
  }

  function onEditorKey(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Escape") setEditing(null);
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void saveEdit();
    }
  }

  const actionsOpen = showActions || picking || confirmingDelete;

  return (
    <li
      className={`group flex ${mine ? "justify-end" : "justify-start"}`}
      data-testid="message"
      data-message-id={message.id}
      data-state="sent"
      onPointerDown={(event) => {
        if (event.pointerType !== "touch") return;
        cancelPress();
        pressTimer.current = setTimeout(() => setShowActions(true), LONG_PRESS_MS);
      }}
      onPointerUp={cancelPress}
      onPointerMove={cancelPress}
      onPointerCancel={cancelPress}
    >
      {/* min-w-0: an unbreakable line (a code block, a long name) must not widen the column past its cap. */}
      <div className={`relative flex min-w-0 max-w-[85%] flex-col sm:max-w-[70%] ${mine ? "items-end" : "items-start"}`}>
        <div className={grouped ? "sr-only" : "mb-0.5 flex max-w-full items-baseline gap-2 px-1 text-xs text-slate-500"}>
          <span className="min-w-0 truncate font-medium text-slate-700" title={sender}>
            {sender}
          </span>
          {time}
          {message.edited_at && !message.deleted ? (
            <span data-testid="edited" title={`Edited ${message.edited_at}`}>
              (edited)
            </span>
          ) : null}
        </div>
        {message.reply_to ? (
          <button
            type="button"
            onClick={() => handlers.onJump(message.reply_to!)}
            title="Go to the message this replies to"
            data-testid="quoted-reply"
            className="mb-0.5 max-w-full truncate rounded-lg border-l-4 border-indigo-300 bg-slate-100 px-2 py-1 text-left text-xs text-slate-600 hover:bg-slate-200"
          >
            {/* Named by what it shows (axe: label-content-name-mismatch), with what it is for before it. */}
            <span className="sr-only">In reply to </span>
            <span className="font-semibold">{quoted?.sender ?? "Earlier message"}</span>{" "}
            {quoted ? (quoted.deleted ? <em>deleted</em> : quoted.content) : null}
          </button>
        ) : null}
        {editing !== null ? (
          <form
            className="flex w-72 max-w-full flex-col gap-1"
            onSubmit={(event) => {
              event.preventDefault();
              void saveEdit();
            }}
          >
            <label htmlFor={`edit-${message.id}`} className="sr-only">
              Edit message
            </label>
            <textarea
              id={`edit-${message.id}`}
              autoFocus
              value={editing}
              maxLength={MAX_MESSAGE_LENGTH}
              onChange={(event) => setEditing(event.target.value)}
              onKeyDown={onEditorKey}
              className="min-h-[4rem] rounded-xl border border-indigo-400 bg-white px-3 py-2 text-[15px] outline-none focus:ring-2 focus:ring-indigo-200"
            />
            <div className="flex justify-end gap-2 text-xs">
              <button type="button" onClick={() => setEditing(null)} className={ACTION_BUTTON}>
                Cancel
              </button>
              <button type="submit" disabled={!editing.trim()} className="rounded-md bg-indigo-600 px-2 py-0.5 font-semibold text-white disabled:opacity-50">
                Save
              </button>
            </div>
          </form>
        ) : message.content || message.deleted ? (
          <MessageBody
            content={message.content}
            deleted={message.deleted}
            mentions={mentions}
            className={`rounded-2xl px-3.5 py-2 text-[15px] leading-snug shadow-sm transition-shadow ${bubbleClass}`}
          />
        ) : null}
        {message.attachments.length > 0 && !message.deleted ? <Attachments attachments={message.attachments} onView={onView} /> : null}
        <ReactionChips reactions={message.reactions} meId={meId} onToggle={(emoji, on) => handlers.onReact(message, emoji, on)} />
        {message.deleted || editing !== null ? null : (
          <div
            role="toolbar"
            aria-label="Message actions"
            // Over the message, not below it: showing it on hover must not move what is under the pointer.
            className={`${actionsOpen ? "flex" : "hidden group-hover:flex group-focus-within:flex"} absolute -top-3 z-10 ${
              mine ? "right-1" : "left-1"
            } items-center gap-0.5 rounded-lg bg-white px-1 py-0.5 shadow-sm ring-1 ring-slate-200`}
          >
            <button type="button" className={ACTION_BUTTON} onClick={() => handlers.onReply(message)}>
              Reply
            </button>
            <button type="button" className={ACTION_BUTTON} aria-expanded={picking} onClick={() => setPicking(true)}>
              React
            </button>
            {mine ? (
              <button type="button" className={ACTION_BUTTON} onClick={() => setEditing(message.content)}>
                Edit
              </button>
            ) : null}
            {canDelete ? (
              <button type="button" className={ACTION_BUTTON} onClick={() => setConfirmingDelete(true)}>
                Delete
              </button>
            ) : null}
            {showActions ? (
              <button type="button" className={ACTION_BUTTON} aria-label="Close actions" onClick={() => setShowActions(false)}>
                ✕
              </button>
            ) : null}
          </div>
        )}
        {picking ? (
          <div className={`absolute top-full z-20 mt-1 ${mine ? "right-0" : "left-0"}`}>
            <EmojiPicker
              onClose={closePicker}
              onPick={(emoji) => {
                setPicking(false);
                setShowActions(false);
                handlers.onReact(message, emoji, !message.reactions.some((reaction) => reaction.emoji === emoji && reaction.user_ids.includes(meId)));
              }}
            />
          </div>
        ) : null}
        {confirmingDelete ? (
          <div role="alertdialog" aria-label="Delete this message?" className="mt-1 flex items-center gap-2 rounded-lg bg-red-50 px-2 py-1 text-xs text-red-800 ring-1 ring-red-200">
            <span>Delete this message for everyone?</span>
            <button
              type="button"
              className="rounded-md bg-red-600 px-2 py-0.5 font-semibold text-white"
              onClick={() => {
                setConfirmingDelete(false);
                handlers.onDelete(message);
              }}
            >
              Delete
            </button>
            <button type="button" className="rounded-md px-2 py-0.5 font-medium" onClick={() => setConfirmingDelete(false)}>
              Cancel
            </button>
          </div>
        ) : null}
      </div>
    </li>
  );
}
