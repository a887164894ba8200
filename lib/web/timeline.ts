import type { MessageDto } from "@/lib/chat/present";
import type { GroupChange, PendingMessage } from "@/lib/web/chat-store";
import { describeChange } from "@/lib/web/display";
import { placeMessages, type DayKey } from "@/lib/web/message-layout";

/** The message a reply quotes, as its reply shows it. */
export interface QuotedMessage {
  sender: string;
  content: string;
  deleted: boolean;
}

/** A rename or membership change, as a line between the messages. */
export interface SystemEntry {
  kind: "system";
  key: string;
  seq: number;
  text: string;
}

/** A stored message with everything its row shows that depends on its neighbours. */
export interface StoredEntry {
  kind: "stored";
  key: string;
  seq: number;
  message: MessageDto;
  mine: boolean;
  sender: string;
  /** The message it replies to, once that one is loaded. */
  quoted: QuotedMessage | null;
  canDelete: boolean;
  /** Starts a new day: a separator goes before it. */
  newDay: boolean;
  /** The "new messages" line goes before it. */
  firstUnread: boolean;
  /** Follows a message by the same sender within the minute, with nothing between them. */
  grouped: boolean;
  /** "Seen" goes under it: the other person of a 1-on-1 has read up to the user's last message, this one. */
  seen: boolean;
}

/** A message of the user's that the server has not confirmed yet. */
export interface PendingEntry {
  kind: "pending";
  key: string;
  message: PendingMessage;
  newDay: boolean;
}

export type SettledEntry = SystemEntry | StoredEntry;

/**
 * A run of the timeline by seq. A message arriving changes only the last block, so the blocks
 * before it are skipped whole instead of row by row.
 */
export interface TimelineBlock {
  key: string;
  entries: SettledEntry[];
}

export interface Timeline {
  blocks: TimelineBlock[];
  pending: PendingEntry[];
}

/** Seqs per block: enough that a long history is a handful of blocks, few enough that re-rendering one is cheap. */
export const BLOCK_SEQS = 50;

export interface TimelineInput {
  meId: string;
  /** Stored messages, oldest first. */
  messages: readonly MessageDto[];
  /** Older messages loaded for the replies that quote them, by id. */
  originals: ReadonlyMap<string, MessageDto>;
  changes: readonly GroupChange[];
  pending: readonly PendingMessage[];
  /** Older history exists that is not loaded yet. */
  hasOlder: boolean;
  /** The user may delete everyone's messages. */
  moderates: boolean;
  /** The reader's marker as it was on opening: the "new messages" line goes after it; null for none. */
  lineAfter: number | null;
  /** How far the other person of a 1-on-1 has read. */
  seenSeq: number | null;
  /** A user's name as the reader sees it ("You" for the reader). */
  nameOf: (userId: string) => string;
  /** Where the days part, for the day separators. */
  dayOf: DayKey;
}

/** The message pane's rows in order, with the separators, groups and marks each one carries. */
export function buildTimeline({ meId, messages, originals, changes, pending, hasOlder, moderates, lineAfter, seenSeq, nameOf, dayOf }: TimelineInput): Timeline {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const places = placeMessages(
    [
      ...messages.map((message) => ({ senderId: message.sender_id, createdAt: message.created_at, seq: message.seq })),
      ...pending.map((message) => ({ senderId: meId, createdAt: message.created_at })),
    ],
    meId,
    lineAfter,
    dayOf,
  );
  const lastMineId = messages.findLast((message) => message.sender_id === meId)?.id;
  const lastSeenMine = seenSeq === null ? undefined : messages.findLast((message) => message.sender_id === meId && message.seq <= seenSeq)?.id;

  const stored: StoredEntry[] = messages.map((message, index) => {
    const original = message.reply_to ? (byId.get(message.reply_to) ?? originals.get(message.reply_to)) : undefined;
    const mine = message.sender_id === meId;
    const place = places[index]!;
    return {
      kind: "stored",
      key: message.id,
      seq: message.seq,
      message,
      mine,
      sender: nameOf(message.sender_id),
      quoted: original ? { sender: nameOf(original.sender_id), content: original.content, deleted: original.deleted } : null,
      canDelete: mine || moderates,
      newDay: place.newDay,
      firstUnread: place.firstUnread,
      grouped: place.grouped,
      seen: message.id === lastSeenMine && lastSeenMine === lastMineId,
    };
  });
  // A change older than the history loaded so far waits until that history is.
  const system: SystemEntry[] = changes
    .filter((change) => change.seq > (messages[0]?.seq ?? 0) || !hasOlder)
    .map((change) => ({ kind: "system", key: `change-${change.seq}`, seq: change.seq, text: describeChange(change, nameOf) }));
  const settled: SettledEntry[] = [...stored, ...system].sort((a, b) => a.seq - b.seq);

  const blocks: TimelineBlock[] = [];
  settled.forEach((entry, index) => {
    // A system line between two messages parts them.
    const shown = entry.kind === "stored" && entry.grouped && settled[index - 1]?.kind === "system" ? { ...entry, grouped: false } : entry;
    const key = `block-${Math.floor(entry.seq / BLOCK_SEQS)}`;
    const last = blocks.at(-1);
    if (last?.key === key) last.entries.push(shown);
    else blocks.push({ key, entries: [shown] });
  });
  return {
    blocks,
    pending: pending.map((message, index) => ({ kind: "pending", key: message.message_id, message, newDay: places[messages.length + index]!.newDay })),
  };
}

export function sameQuote(a: QuotedMessage | null, b: QuotedMessage | null): boolean {
  return a === b || (a !== null && b !== null && a.sender === b.sender && a.content === b.content && a.deleted === b.deleted);
}

/** Whether two entries show the same thing; built afresh on each render, they are compared by what they hold. */
export function sameEntry(a: SettledEntry, b: SettledEntry): boolean {
  if (a.kind === "system" || b.kind === "system") return a.kind === "system" && b.kind === "system" && a.key === b.key && a.text === b.text;
  return (
    a.message === b.message &&
    a.mine === b.mine &&
    a.sender === b.sender &&
    sameQuote(a.quoted, b.quoted) &&
    a.canDelete === b.canDelete &&
    a.newDay === b.newDay &&
    a.firstUnread === b.firstUnread &&
    a.grouped === b.grouped &&
    a.seen === b.seen
  );
}

export function sameEntries(a: readonly SettledEntry[], b: readonly SettledEntry[]): boolean {
  return a === b || (a.length === b.length && a.every((entry, index) => sameEntry(entry, b[index]!)));
}
