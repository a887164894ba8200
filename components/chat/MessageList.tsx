"use client";

import { useEffect, useEffectEvent, useLayoutEffect, useMemo, useRef, useState } from "react";

import type { AttachmentDto, MessageDto, UserDto } from "@/lib/chat/present";
import type { GroupChange, PendingMessage } from "@/lib/web/chat-store";
import { displayName } from "@/lib/web/display";
import type { MentionContext } from "@/lib/web/markdown";
import { readerDay, utcDay } from "@/lib/web/message-layout";
import { buildTimeline } from "@/lib/web/timeline";
import { useInBrowser } from "@/lib/web/use-in-browser";
import { useStableHandlers } from "@/lib/web/use-stable-handlers";
import { useInView, useMarkFar, usePageVisible } from "@/lib/web/use-visible";

import { ImageViewer } from "./Attachments";
import type { MessageHandlers } from "./MessageItem";
import { PendingRow, TimelineBlockRows } from "./TimelineRows";

interface MessageListProps {
  me: UserDto;
  members: readonly UserDto[];
  /** Everyone the reader knows, to name former members in system lines. */
  people?: readonly UserDto[];
  messages: readonly MessageDto[];
  /** Older messages that replies among `messages` quote, by id. */
  originals?: ReadonlyMap<string, MessageDto>;
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

const NO_ORIGINALS: ReadonlyMap<string, MessageDto> = new Map();

export function MessageList({ me, members, people = [], messages, originals = NO_ORIGINALS, changes = [], pending, hasOlder, moderates, focusId, onLoadOlder, onRetry, handlers, readSeq = null, seenSeq = null, onSeen, onReading }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const log = useRef<HTMLDivElement>(null);
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
  const mentionContext: MentionContext = useMemo(
    () => ({ members: new Set(members.map((member) => member.username.toLowerCase())), me: me.username.toLowerCase() }),
    [members, me.username],
  );
  // The server does not know the reader's time zone: days part in UTC until the page has hydrated.
  const dayOf = useInBrowser() ? readerDay : utcDay;
  const { blocks, pending: unconfirmed } = buildTimeline({ meId: me.id, messages, originals, changes, pending, hasOlder, moderates, lineAfter, seenSeq, nameOf, dayOf });
  const newestSeq = messages.at(-1)?.seq ?? 0;
  const firstId = messages[0]?.id;
  const lastSettled = blocks.at(-1)?.entries.at(-1);
  const lastKey = unconfirmed.at(-1)?.key ?? lastSettled?.key;
  const lastMine = unconfirmed.length > 0 || (lastSettled?.kind === "stored" && lastSettled.mine);

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

  const focusLoaded = focusId !== null && messages.some((message) => message.id === focusId);
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

  // Where the reader is comes from observers, which the browser updates with each frame it
  // lays out anyway; reading the scroll position on every scroll event would force a second
  // layout in each frame that shows a new message.
  useEffect(() => {
    const element = bottom.current;
    if (!element || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        following.current = entries.some((entry) => entry.isIntersecting);
        setAwayFromBottom(!following.current);
      },
      { root: scroller.current, rootMargin: `0px 0px ${FOLLOW_THRESHOLD_PX}px 0px` },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Blocks of history far out of view are left unrendered until the reader scrolls near them,
  // so what a new message costs does not grow with the history loaded.
  useMarkFar(log, scroller, blocks.map((block) => block.key).join());

  const loadOlderInView = useEffectEvent(() => void loadOlder());
  // Observed afresh after each page, so history keeps loading while its top is still in view.
  useEffect(() => {
    const element = top.current;
    if (!element || !hasOlder || loadingOlder || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && loadOlderInView(), {
      root: scroller.current,
      rootMargin: `${LOAD_OLDER_THRESHOLD_PX}px 0px 0px 0px`,
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasOlder, loadingOlder]);

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
        // Focusable, so the history scrolls with the keyboard too.
        tabIndex={0}
        role="region"
        aria-label="Message history"
        className="flex-1 overflow-y-auto bg-slate-50 px-3 py-4 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 sm:px-6"
      >
        <div ref={top} aria-hidden="true" />
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
        {lastKey === undefined ? <p className="mt-16 text-center text-sm text-slate-600">No messages yet. Say hello! 👋</p> : null}
        {/* A list per block: the browser then lays out the block a message joins, not every row before it. */}
        <div ref={log} role="log" aria-label="Messages" aria-live="polite" className="space-y-1">
          {blocks.map((block) => (
            <TimelineBlockRows key={block.key} entries={block.entries} meId={me.id} mentions={mentionContext} handlers={stableHandlers} onView={setViewing} />
          ))}
          {unconfirmed.length > 0 ? (
            <ol className="space-y-1">
              {unconfirmed.map((entry) => (
                <PendingRow key={entry.key} entry={entry} onRetry={onRetry} onView={setViewing} />
              ))}
            </ol>
          ) : null}
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
