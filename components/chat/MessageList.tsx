"use client";

import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";

import type { AttachmentDto, MessageDto, UserDto } from "@/lib/chat/present";
import type { GroupChange, PendingMessage } from "@/lib/web/chat-store";
import { describeChange, displayName, formatDay } from "@/lib/web/display";
import type { MentionContext } from "@/lib/web/markdown";
import { placeMessages } from "@/lib/web/message-layout";
import { useStableHandlers } from "@/lib/web/use-stable-handlers";
import { useInView, usePageVisible } from "@/lib/web/use-visible";

import { Attachments, ImageViewer } from "./Attachments";
import { LocalTime } from "./LocalTime";
import type { MessageHandlers } from "./MessageItem";
import { MessageRow } from "./MessageRow";

interface MessageListProps {
  me: UserDto;
  members: readonly UserDto[];
  /** Everyone the reader knows, to name former members in system lines. */
  people?: readonly UserDto[];
  messages: readonly MessageDto[];
  /** Renames and membership changes, shown as system lines between the messages. */
  changes?: readonly GroupChange[];
  pending: readonly PendingMessage[];
  hasOlder: boolean;
  /** The user may delete everyone's messages here: they created this group. */
  moderates: boolean;
  /** A message to scroll to and highlight, once it is loaded. */
  focusId: string | null;
  onLoadOlder: () => Promise<void>;
  onRetry: (message: PendingMessage) => void;
  handlers: MessageHandlers;
  /** The reader's read marker: the "new messages" line goes after it (as it was on opening). */
  readSeq?: number | null;
  /** How far the other person of a 1-on-1 has read: "Seen" goes under the user's last message they read. */
  seenSeq?: number | null;
  /** The newest message was on screen in a visible tab: everything up to seq is read. */
  onSeen?: (seq: number) => void;
  /** Whether the newest message is on screen in a visible tab, as it changes. */
  onReading?: (reading: boolean) => void;
}

/** How long a message jumped to stays highlighted. */
const HIGHLIGHT_MS = 2000;

/** Within this many pixels of the bottom, the reader follows new messages. */
const FOLLOW_THRESHOLD_PX = 120;
/** Within this many pixels of the top, older history is fetched. */
const LOAD_OLDER_THRESHOLD_PX = 80;

interface Bubble {
  kind: "bubble";
  key: string;
  seq: number;
  mine: boolean;
  sender: string;
  content: string;
  attachments: readonly AttachmentDto[];
  createdAt: string;
  state: "sent" | "sending" | "failed";
  message?: MessageDto;
  pending?: PendingMessage;
}

const BUBBLE_LOOK = {
  mine: "rounded-br-md bg-indigo-600 text-white",
  sending: "rounded-br-md bg-indigo-600 text-white opacity-70",
  failed: "rounded-br-md bg-red-600 text-white",
  theirs: "rounded-bl-md bg-white text-slate-900 ring-1 ring-slate-200",
};

function look(bubble: Bubble): keyof typeof BUBBLE_LOOK {
  if (!bubble.mine) return "theirs";
  return bubble.state === "sent" ? "mine" : bubble.state;
}

const MESSAGE_COLUMN = "max-w-[85%] sm:max-w-[70%] xl:max-w-[42rem]";

interface SystemLine {
  kind: "system";
  key: string;
  seq: number;
  text: string;
}

export function MessageList({ me, members, people = [], messages, changes = [], pending, hasOlder, moderates, focusId, onLoadOlder, onRetry, handlers, readSeq = null, seenSeq = null, onSeen, onReading }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [awayFromBottom, setAwayFromBottom] = useState(false);
  // The line stays where the unread began while the conversation is open, even once it is read.
  const [lineAfter] = useState(readSeq);
  const stableHandlers = useStableHandlers(handlers);
  const bottomInView = useInView(bottom, scroller);
  const pageVisible = usePageVisible();
  const anchor = useRef<{ firstId: string | undefined; fromBottom: number } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [viewing, setViewing] = useState<AttachmentDto | null>(null);

  const names = new Map([...people, ...members].map((member) => [member.id, displayName(member)]));
  const nameOf = (userId: string) => (userId === me.id ? "You" : (names.get(userId) ?? "Former member"));
  const byId = new Map(messages.map((message) => [message.id, message]));
  const mentionContext: MentionContext = useMemo(
    () => ({ members: new Set(members.map((member) => member.username.toLowerCase())), me: me.username.toLowerCase() }),
    [members, me.username],
  );
  const stored: (Bubble | SystemLine)[] = [
    ...messages.map((message) => ({
      kind: "bubble" as const,
      key: message.id,
      seq: message.seq,
      mine: message.sender_id === me.id,
      sender: nameOf(message.sender_id),
      content: message.content,
      attachments: message.attachments,
      createdAt: message.created_at,
      state: "sent" as const,
      message,
    })),
    // A change older than the history loaded so far waits until that history is.
    ...changes
      .filter((change) => change.seq > (messages[0]?.seq ?? 0) || !hasOlder)
      .map((change) => ({ kind: "system" as const, key: `change-${change.seq}`, seq: change.seq, text: describeChange(change, nameOf) })),
  ].sort((a, b) => a.seq - b.seq);
  const bubbles: (Bubble | SystemLine)[] = [
    ...stored,
    ...pending.map((message) => ({
      kind: "bubble" as const,
      key: message.message_id,
      seq: Infinity,
      mine: true,
      sender: "You",
      content: message.content,
      attachments: message.attachments,
      createdAt: message.created_at,
      state: message.failed ? ("failed" as const) : ("sending" as const),
      pending: message,
    })),
  ];
  // Laid out among the messages only; a system line between two messages still parts them (below).
  const placements = useMemo(() => {
    const laidOut = [
      ...messages.map((m) => ({ key: m.id, senderId: m.sender_id, createdAt: m.created_at, seq: m.seq })),
      ...pending.map((m) => ({ key: m.message_id, senderId: me.id, createdAt: m.created_at })),
    ];
    const places = placeMessages(laidOut, me.id, lineAfter);
    return new Map(laidOut.map((message, index) => [message.key, places[index]!]));
  }, [messages, pending, me.id, lineAfter]);
  const newestSeq = messages.at(-1)?.seq ?? 0;
  const lastSeenMine = seenSeq === null ? undefined : messages.findLast((message) => message.sender_id === me.id && message.seq <= seenSeq)?.id;
  const lastMineId = messages.findLast((message) => message.sender_id === me.id)?.id;
  const firstId = messages[0]?.id;
  const lastKey = bubbles.at(-1)?.key;
  const last = bubbles.at(-1);
  const lastMine = last?.kind === "bubble" && last.mine;

  // Prepended history must not move what the reader is looking at; new messages at the end
  // are followed when the reader was at the bottom or wrote them.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const saved = anchor.current;
    if (saved && saved.firstId !== firstId) {
      element.scrollTop = element.scrollHeight - saved.fromBottom;
      anchor.current = null;
      return;
    }
    if (following.current || lastMine) element.scrollTop = element.scrollHeight;
  }, [firstId, lastKey, lastMine]);

  const reading = bottomInView && pageVisible;
  useEffect(() => {
    onReading?.(reading);
    return () => onReading?.(false);
  }, [reading, onReading]);
  useEffect(() => {
    if (reading && newestSeq > 0) onSeen?.(newestSeq);
  }, [reading, newestSeq, onSeen]);

  const focusLoaded = focusId !== null && byId.has(focusId);
  useEffect(() => {
    if (!focusId || !focusLoaded) return;
    const element = scroller.current?.querySelector(`[data-message-id="${CSS.escape(focusId)}"]`);
    if (!element) return;
    element.scrollIntoView({ block: "center" });
    following.current = false;
    element.setAttribute("data-focused", "");
    const timer = setTimeout(() => element.removeAttribute("data-focused"), HIGHLIGHT_MS);
    return () => {
      clearTimeout(timer);
      element.removeAttribute("data-focused");
    };
  }, [focusId, focusLoaded]);

  async function loadOlder() {
    const element = scroller.current;
    if (!element || loadingOlder || !hasOlder) return;
    anchor.current = { firstId, fromBottom: element.scrollHeight - element.scrollTop };
    setLoadingOlder(true);
    try {
      await onLoadOlder();
    } finally {
      setLoadingOlder(false);
    }
  }

  function onScroll() {
    const element = scroller.current;
    if (!element) return;
    following.current = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD_PX;
    setAwayFromBottom(!following.current);
    if (element.scrollTop < LOAD_OLDER_THRESHOLD_PX) void loadOlder();
  }

  function jumpToLatest() {
    const element = scroller.current;
    if (!element) return;
    following.current = true;
    setAwayFromBottom(false);
    element.scrollTop = element.scrollHeight;
  }

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        onScroll={onScroll}
        // Focusable, so the history scrolls with the keyboard too.
        tabIndex={0}
        role="region"
        aria-label="Message history"
        className="flex-1 overflow-y-auto bg-slate-50 px-3 py-4 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 sm:px-6"
      >
        {hasOlder ? (
          <div className="mb-3 flex justify-center">
            <button
              type="button"
              onClick={() => void loadOlder()}
              disabled={loadingOlder}
              className="rounded-full bg-white px-3 py-1 text-xs font-medium text-slate-600 shadow-sm ring-1 ring-slate-200 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              {loadingOlder ? "Loading…" : "Load older messages"}
            </button>
          </div>
        ) : null}
        {bubbles.length === 0 ? <p className="mt-16 text-center text-sm text-slate-600">No messages yet. Say hello! 👋</p> : null}
        <div role="log" aria-label="Messages" aria-live="polite">
          <ol className="space-y-1">
            {bubbles.map((bubble, index) => {
              if (bubble.kind === "system") {
                return (
                  <li key={bubble.key} className="flex justify-center" data-testid="system-line">
                    <p className="rounded-full bg-slate-200/70 px-3 py-1 text-center text-xs text-slate-700">{bubble.text}</p>
                  </li>
                );
              }
              const placement = placements.get(bubble.key)!;
              const afterSystemLine = bubbles[index - 1]?.kind === "system";
              const stored = bubble.message;
              const original = stored?.reply_to ? byId.get(stored.reply_to) : undefined;
              return (
                <Fragment key={bubble.key}>
                  {placement.newDay ? (
                    <li data-testid="day-separator" className="flex items-center gap-3 py-2 text-xs font-medium text-slate-600">
                      <span aria-hidden="true" className="h-px flex-1 bg-slate-200" />
                      <LocalTime iso={bubble.createdAt} format={formatDay} />
                      <span aria-hidden="true" className="h-px flex-1 bg-slate-200" />
                    </li>
                  ) : null}
                  {placement.firstUnread ? (
                    <li data-testid="new-messages" className="flex items-center gap-3 py-1 text-xs font-semibold text-red-700">
                      <span aria-hidden="true" className="h-px flex-1 bg-red-200" />
                      New messages
                      <span aria-hidden="true" className="h-px flex-1 bg-red-200" />
                    </li>
                  ) : null}
                  {stored ? (
                    <MessageRow
                      message={stored}
                      meId={me.id}
                      mine={bubble.mine}
                      sender={bubble.sender}
                      quoted={original ? { sender: nameOf(original.sender_id), content: original.content, deleted: original.deleted } : null}
                      canDelete={bubble.mine || moderates}
                      mentions={mentionContext}
                      bubbleClass={BUBBLE_LOOK[look(bubble)]}
                      handlers={stableHandlers}
                      onView={setViewing}
                      grouped={placement.grouped && !afterSystemLine}
                    />
                  ) : (
                    <PendingRow bubble={bubble} onRetry={onRetry} onView={setViewing} />
                  )}
                  {stored && stored.id === lastSeenMine && lastSeenMine === lastMineId ? (
                    <li data-testid="seen" className="pr-1 text-right text-xs text-slate-600">
                      Seen
                    </li>
                  ) : null}
                </Fragment>
              );
            })}
          </ol>
        </div>
        <div ref={bottom} aria-hidden="true" className="h-px" />
      </div>
      {viewing ? <ImageViewer image={viewing} onClose={() => setViewing(null)} /> : null}
      {awayFromBottom ? (
        <button
          type="button"
          onClick={jumpToLatest}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white shadow-lg hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          ↓ Jump to latest
        </button>
      ) : null}
    </div>
  );
}

/** A message the server has not confirmed yet: being sent, or failed with a way to retry. */
function PendingRow({ bubble, onRetry, onView }: { bubble: Bubble; onRetry: (message: PendingMessage) => void; onView: (image: AttachmentDto) => void }) {
  return (
    <li className="flex justify-end" data-testid="message" data-state={bubble.state}>
      <div className={`${MESSAGE_COLUMN} flex min-w-0 flex-col items-end`}>
        <div className="mb-0.5 flex items-baseline gap-2 px-1 text-xs text-slate-600">
          <span className="font-medium text-slate-700">{bubble.sender}</span>
          <LocalTime iso={bubble.createdAt} />
          {bubble.state === "sending" ? <span className="italic">sending…</span> : null}
        </div>
        {bubble.content ? (
          <p
            data-testid="message-body"
            dir="auto"
            className={`whitespace-pre-wrap [overflow-wrap:anywhere] rounded-2xl px-3.5 py-2 text-[15px] leading-snug shadow-sm ${BUBBLE_LOOK[look(bubble)]}`}
          >
            {bubble.content}
          </p>
        ) : null}
        {bubble.attachments.length > 0 ? <Attachments attachments={bubble.attachments} onView={onView} /> : null}
        {bubble.state === "failed" && bubble.pending ? (
          <button
            type="button"
            onClick={() => onRetry(bubble.pending!)}
            className="mt-1 text-xs font-medium text-red-700 underline focus-visible:outline-2 focus-visible:outline-red-600"
          >
            Not sent — retry
          </button>
        ) : null}
      </div>
    </li>
  );
}
