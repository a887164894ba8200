import { getRepository } from "@/lib/db";
import type { StoredEvent } from "@/lib/db/repository";

/**
 * A conversation's events after seq `after`, oldest first: the stream that live delivery and
 * `sync` replay from. The caller has checked that the reader is a member.
 */
export async function eventsAfter(conversationId: string, after: number, limit: number): Promise<StoredEvent[]> {
  return (await getRepository()).listEvents(conversationId, after, limit);
}
