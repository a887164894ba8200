import type { ConversationDto, UserDto } from "@/lib/chat/present";

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
