"use client";

import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";

import type { AttachmentDto, MessageDto, UserDto } from "@/lib/chat/present";
import type { GroupChange, PendingMessage } from "@/lib/web/chat-store";
import { describeChange, displayName, formatMessageTime } from "@/lib/web/display";
import type { MentionContext } from "@/lib/web/markdown";

import { Attachments, ImageViewer } from "./Attachments";
import { MessageItem, type MessageHandlers } from "./MessageItem";

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

const noSubscription = () => () => undefined;

/**
 * The reader's local time exists only in the browser: the server render leaves it empty and
 * hydration fills it in, rather than showing the server's time zone.
 */
function LocalTime({ iso }: { iso: string }) {
  const text = useSyncExternalStore(
    noSubscription,
    () => formatMessageTime(iso),
    () => "",
  );
  return <time dateTime={iso}>{text}</time>;
}

interface SystemLine {
  kind: "system";
  key: string;
  seq: number;
  text: string;
}

export function MessageList({ me, members, people = [], messages, changes = [], pending, hasOlder, moderates, focusId, onLoadOlder, onRetry, handlers }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
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
    if (element.scrollTop < LOAD_OLDER_THRESHOLD_PX) void loadOlder();
  }

  return (
    <div ref={scroller} onScroll={onScroll} className="flex-1 overflow-y-auto bg-slate-50 px-3 py-4 sm:px-6">
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
      {bubbles.length === 0 ? (
        <p className="mt-16 text-center text-sm text-slate-500">No messages yet. Say hello! 👋</p>
      ) : null}
      <ol role="log" aria-label="Messages" aria-live="polite" className="space-y-2">
        {bubbles.map((bubble) => {
          if (bubble.kind === "system") {
            return (
              <li key={bubble.key} className="flex justify-center" data-testid="system-line">
                <p className="rounded-full bg-slate-200/70 px-3 py-1 text-center text-xs text-slate-600">{bubble.text}</p>
              </li>
            );
          }
          const stored = bubble.message;
          if (stored) {
            const original = stored.reply_to ? byId.get(stored.reply_to) : undefined;
            return (
              <MessageItem
                key={bubble.key}
                message={stored}
                meId={me.id}
                mine={bubble.mine}
                sender={bubble.sender}
                quoted={original ? { sender: nameOf(original.sender_id), content: original.content, deleted: original.deleted } : null}
                canDelete={bubble.mine || moderates}
                mentions={mentionContext}
                bubbleClass={BUBBLE_LOOK[look(bubble)]}
                handlers={handlers}
                onView={setViewing}
                time={<LocalTime iso={bubble.createdAt} />}
              />
            );
          }
          return (
            <li
              key={bubble.key}
              className={`flex ${bubble.mine ? "justify-end" : "justify-start"}`}
              data-testid="message"
              data-state={bubble.state}
            >
              <div className={`max-w-[85%] sm:max-w-[70%] ${bubble.mine ? "items-end" : "items-start"} flex flex-col`}>
                <div className="mb-0.5 flex items-baseline gap-2 px-1 text-xs text-slate-500">
                  <span className="font-medium text-slate-700">{bubble.sender}</span>
                  <LocalTime iso={bubble.createdAt} />
                  {bubble.state === "sending" ? <span className="italic">sending…</span> : null}
                </div>
                {bubble.content ? (
                  <p
                    data-testid="message-body"
                    className={`whitespace-pre-wrap [overflow-wrap:anywhere] rounded-2xl px-3.5 py-2 text-[15px] leading-snug shadow-sm ${BUBBLE_LOOK[look(bubble)]}`}
                  >
                    {bubble.content}
                  </p>
                ) : null}
                {bubble.attachments.length > 0 ? <Attachments attachments={bubble.attachments} onView={setViewing} /> : null}
                {bubble.state === "failed" && bubble.pending ? (
                  <button
                    type="button"
                    onClick={() => onRetry(bubble.pending!)}
                    className="mt-1 text-xs font-medium text-red-600 underline focus-visible:outline-2 focus-visible:outline-red-600"
                  >
                    Not sent — retry
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      {viewing ? <ImageViewer image={viewing} onClose={() => setViewing(null)} /> : null}
    </div>
  );
}
