import type { ConversationDto, UserDto } from "@/lib/chat/present";
import type { GroupChange } from "@/lib/web/chat-store";

export function displayName(user: Pick<UserDto, "username" | "full_name">): string {
  return user.full_name || user.username;
}

export interface ConversationLabel {
  name: string;
  /** The member count of a group, the username of the other person of a 1-on-1. */
  detail: string;
}

/** A 1-on-1 is named after the other person; a group by its title. */
export function conversationLabel(conversation: ConversationDto, userId: string): ConversationLabel {
  if (conversation.is_group) {
    const count = conversation.members.length;
    return { name: `👥 ${conversation.title || "Group"}`, detail: `${count} member${count === 1 ? "" : "s"}` };
  }
  const other = conversation.members.find((member) => member.id !== userId) ?? conversation.members[0];
  return other ? { name: displayName(other), detail: `@${other.username}` } : { name: "Conversation", detail: "" };
}

const TIME_OF_DAY = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const DATE_AND_TIME = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });
const DAY_OF_ANOTHER_YEAR = new Intl.DateTimeFormat(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric" });

/**
 * Formatting a date is slow next to everything else a message row does, and a row's text
 * changes only when the day turns; so each text is formatted once per timestamp and day.
 */
const formatted = new Map<string, string>();
const MAX_FORMATTED = 5_000;

function cached(key: string, format: () => string): string {
  let text = formatted.get(key);
  if (text === undefined) {
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    text = format();
    formatted.set(key, text);
  }
  return text;
}

/** The local calendar day of a moment, as a key that sorts and compares. */
export function localDayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** Local time of day for today's messages, with the date for older ones. */
export function formatMessageTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const sameDay = localDayKey(date) === localDayKey(now);
  return cached(`${sameDay ? "t" : "d"}${iso}`, () => (sameDay ? TIME_OF_DAY : DATE_AND_TIME).format(date));
}

/** A day separator's words: "Today", "Yesterday", or the date. */
export function formatDay(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  const day = localDayKey(date);
  if (day === localDayKey(now)) return "Today";
  if (day === localDayKey(yesterday)) return "Yesterday";
  return cached(`D${day}`, () => (date.getFullYear() === now.getFullYear() ? DAY : DAY_OF_ANOTHER_YEAR).format(date));
}

/** A sidebar row's time: the time of day today, the date before. */
export function formatListTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (localDayKey(date) === localDayKey(now)) return cached(`t${iso}`, () => TIME_OF_DAY.format(date));
  return cached(`L${localDayKey(date)}`, () => date.toLocaleDateString(undefined, { month: "short", day: "numeric" }));
}

/** A random idempotency key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A file size as people read it: 512 B, 3.4 KB, 12 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The timeline's system line for a group change; `nameOf` names a user id ("You" for the reader). */
export function describeChange(change: GroupChange, nameOf: (userId: string) => string): string {
  const actor = nameOf(change.actor_id);
  const people = change.user_ids.map(nameOf).join(", ");
  switch (change.change) {
    case "renamed":
      return `${actor} renamed the group to “${change.conversation.title}”`;
    case "members_added":
      return `${actor} added ${people}`;
    case "member_removed":
      return change.user_ids.includes(change.actor_id) ? `${actor} left` : `${actor} removed ${people}`;
  }
}
