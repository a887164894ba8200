import { getRepository } from "@/lib/db";
import { changeDataOf, type Announcement, type StoredEvent } from "@/lib/db/repository";

/** Who hears a conversation's events, and how: the one home of that rule. */

/** Whom a membership event removed or added: none for any other event. */
function membershipChange(event: StoredEvent): { removed: string[]; added: string[] } {
  if (event.type !== "conversation_updated") return { removed: [], added: [] };
  const { change, user_ids } = changeDataOf(event);
  return { removed: change === "member_removed" ? user_ids : [], added: change === "members_added" ? user_ids : [] };
}

/**
 * The members after the event, and whoever it removed: they hear that they were removed
 * (and nothing of the conversation after it).
 */
export function hearersOf({ event, memberIds }: Announcement): string[] {
  const { removed } = membershipChange(event);
  return removed.length === 0 ? memberIds : [...memberIds, ...removed];
}

/** How one user hears an event: as itself, as their removal, or (added back) as the start of the conversation again. */
export function hearingOf(event: StoredEvent, userId: string): "event" | "removed" | "added" {
  const { removed, added } = membershipChange(event);
  if (removed.includes(userId)) return "removed";
  return added.includes(userId) ? "added" : "event";
}

/**
 * Whether a removal of the user, replayed from the store, is only history: a later event added
 * them back, so it is told as the event it is, and what followed it with it, rather than as
 * their removal. (Whether they are a member now does not tell: they may have been removed again,
 * and the replay must not drop what came between as if they were out.)
 */
export async function removalSuperseded(event: StoredEvent, userId: string): Promise<boolean> {
  if (hearingOf(event, userId) !== "removed") return false;
  const later = await (await getRepository()).listGroupChanges(event.conversationId, event.seq);
  return later.some((change) => hearingOf(change, userId) === "added");
}
