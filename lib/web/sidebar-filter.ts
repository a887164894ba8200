import type { ConversationDto, UserDto } from "@/lib/chat/present";
import { conversationLabel, displayName } from "@/lib/web/display";

/** Case and accents do not matter when filtering: "jose" finds "José". */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
}

function matches(query: string, ...texts: (string | null)[]): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const haystack = fold(texts.filter(Boolean).join(" "));
  return words.every((word) => haystack.includes(word));
}

/** The conversations whose name, title or members match every word of the query. */
export function filterConversations(conversations: readonly ConversationDto[], query: string, meId: string): readonly ConversationDto[] {
  if (!query.trim()) return conversations;
  return conversations.filter((conversation) =>
    matches(query, conversationLabel(conversation, meId).name, ...conversation.members.filter((member) => member.id !== meId).flatMap((member) => [member.username, member.full_name])),
  );
}

/** The people whose name or username match every word of the query. */
export function filterPeople<T extends UserDto>(people: readonly T[], query: string): readonly T[] {
  if (!query.trim()) return people;
  return people.filter((person) => matches(query, displayName(person), person.username));
}
