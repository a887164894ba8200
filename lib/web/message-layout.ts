import { localDayKey } from "@/lib/web/display";

/** A moment's calendar day as a key that compares, in some time zone. */
export type DayKey = (iso: string) => string;

/** The day in the reader's time zone: only the browser knows it. */
export const readerDay: DayKey = (iso) => localDayKey(new Date(iso));

/** The day in UTC: what the server render and hydration agree on, whatever the zones of server and reader. */
export const utcDay: DayKey = (iso) => iso.slice(0, 10);

/** What the message pane needs to know about a message to lay it out among its neighbours. */
export interface LaidOutMessage {
  senderId: string;
  createdAt: string;
  /** Stored messages have one; those still being sent do not. */
  seq?: number;
}

export interface MessagePlacement {
  /** Starts a new day: a separator goes before it. */
  newDay: boolean;
  /** Follows a message by the same sender within the same minute: no repeated name and time. */
  grouped: boolean;
  /** The first message by someone else after the reader's marker: the "new messages" line goes before it. */
  firstUnread: boolean;
}

const minuteOf = (iso: string) => iso.slice(0, 16);

/**
 * Where day separators, sender groups and the "new messages" line fall in a list of messages,
 * oldest first. `readSeq` is the reader's marker as it was when they opened the conversation,
 * or null for no line; `dayOf` splits the days.
 */
export function placeMessages(messages: readonly LaidOutMessage[], meId: string, readSeq: number | null, dayOf: DayKey): MessagePlacement[] {
  let unreadFound = false;
  let previousDay: string | null = null;
  return messages.map((message, index) => {
    const previous = index > 0 ? messages[index - 1] : undefined;
    const day = dayOf(message.createdAt);
    const newDay = day !== previousDay;
    previousDay = day;
    const firstUnread =
      !unreadFound && readSeq !== null && message.senderId !== meId && message.seq !== undefined && message.seq > readSeq;
    if (firstUnread) unreadFound = true;
    const grouped =
      !newDay && !firstUnread && previous !== undefined && previous.senderId === message.senderId && minuteOf(previous.createdAt) === minuteOf(message.createdAt);
    return { newDay, grouped, firstUnread };
  });
}
