"use client";

import { Fragment, memo } from "react";

import type { AttachmentDto } from "@/lib/chat/present";
import type { PendingMessage } from "@/lib/web/chat-store";
import { formatDay } from "@/lib/web/display";
import type { MentionContext } from "@/lib/web/markdown";
import { sameEntries, type PendingEntry, type SettledEntry } from "@/lib/web/timeline";

import { Attachments } from "./Attachments";
import { LocalTime } from "./LocalTime";
import type { MessageHandlers } from "./MessageItem";
import { MessageRow } from "./MessageRow";

const BUBBLE_LOOK = {
  mine: "rounded-br-md bg-indigo-600 text-white",
  sending: "rounded-br-md bg-indigo-600 text-white opacity-70",
  failed: "rounded-br-md bg-red-600 text-white",
  theirs: "rounded-bl-md bg-white text-slate-900 ring-1 ring-slate-200",
};

const MESSAGE_COLUMN = "max-w-[85%] sm:max-w-[70%] xl:max-w-[42rem]";

function DaySeparator({ iso }: { iso: string }) {
  return (
    <li data-testid="day-separator" className="flex items-center gap-3 py-2 text-xs font-medium text-slate-600">
      <span aria-hidden="true" className="h-px flex-1 bg-slate-200" />
      <LocalTime iso={iso} format={formatDay} />
      <span aria-hidden="true" className="h-px flex-1 bg-slate-200" />
    </li>
  );
}

interface BlockProps {
  entries: SettledEntry[];
  meId: string;
  mentions: MentionContext;
  handlers: MessageHandlers;
  onView: (image: AttachmentDto) => void;
}

function sameBlock(before: BlockProps, after: BlockProps): boolean {
  return (
    before.meId === after.meId &&
    before.mentions === after.mentions &&
    before.handlers === after.handlers &&
    before.onView === after.onView &&
    sameEntries(before.entries, after.entries)
  );
}

/** A block of the timeline as a list: its rows, with the separators and marks that go between them. */
export const TimelineBlockRows = memo(function TimelineBlockRows({ entries, meId, mentions, handlers, onView }: BlockProps) {
  return (
    <ol className="timeline-block space-y-1" data-far-able>
      {entries.map((entry) =>
        entry.kind === "system" ? (
          <li key={entry.key} className="flex justify-center" data-testid="system-line">
            <p className="rounded-full bg-slate-200/70 px-3 py-1 text-center text-xs text-slate-700">{entry.text}</p>
          </li>
        ) : (
          <Fragment key={entry.key}>
            {entry.newDay ? <DaySeparator iso={entry.message.created_at} /> : null}
            {entry.firstUnread ? (
              <li data-testid="new-messages" className="flex items-center gap-3 py-1 text-xs font-semibold text-red-700">
                <span aria-hidden="true" className="h-px flex-1 bg-red-200" />
                New messages
                <span aria-hidden="true" className="h-px flex-1 bg-red-200" />
              </li>
            ) : null}
            <MessageRow
              message={entry.message}
              meId={meId}
              mine={entry.mine}
              sender={entry.sender}
              quoted={entry.quoted}
              canDelete={entry.canDelete}
              mentions={mentions}
              bubbleClass={BUBBLE_LOOK[entry.mine ? "mine" : "theirs"]}
              handlers={handlers}
              onView={onView}
              grouped={entry.grouped}
            />
            {entry.seen ? (
              <li data-testid="seen" className="pr-1 text-right text-xs text-slate-600">
                Seen
              </li>
            ) : null}
          </Fragment>
        ),
      )}
    </ol>
  );
}, sameBlock);

/** A message the server has not confirmed yet: being sent, or failed with a way to retry. */
export function PendingRow({ entry, onRetry, onView }: { entry: PendingEntry; onRetry: (message: PendingMessage) => void; onView: (image: AttachmentDto) => void }) {
  const { message } = entry;
  const state = message.failed ? "failed" : "sending";
  return (
    <>
      {entry.newDay ? <DaySeparator iso={message.created_at} /> : null}
      <li className="flex justify-end" data-testid="message" data-state={state}>
        <div className={`${MESSAGE_COLUMN} flex min-w-0 flex-col items-end`}>
          <div className="mb-0.5 flex items-baseline gap-2 px-1 text-xs text-slate-600">
            <span className="font-medium text-slate-700">You</span>
            <LocalTime iso={message.created_at} />
            {state === "sending" ? <span className="italic">sending…</span> : null}
          </div>
          {message.content ? (
            <p
              data-testid="message-body"
              dir="auto"
              className={`whitespace-pre-wrap [overflow-wrap:anywhere] rounded-2xl px-3.5 py-2 text-[15px] leading-snug shadow-sm ${BUBBLE_LOOK[state]}`}
            >
              {message.content}
            </p>
          ) : null}
          {message.attachments.length > 0 ? <Attachments attachments={message.attachments} onView={onView} /> : null}
          {state === "failed" ? (
            <button
              type="button"
              onClick={() => onRetry(message)}
              className="mt-1 text-xs font-medium text-red-700 underline focus-visible:outline-2 focus-visible:outline-red-600"
            >
              Not sent — retry
            </button>
          ) : null}
        </div>
      </li>
    </>
  );
}
