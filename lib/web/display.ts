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

/** Local time of day for today's messages, with the date for older ones. */
export function formatMessageTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
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
