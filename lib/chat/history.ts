import { listMessages } from "@/lib/chat/messages";
import { presentGroupChange, type GroupChangeDto, type MessageDto } from "@/lib/chat/present";
import type { MessagePageInput } from "@/lib/chat/schemas";
import { getRepository } from "@/lib/db";

/** A page of a conversation's timeline as the UI shows it: messages, with the group changes among them. */
export interface HistoryPage {
  messages: MessageDto[];
  changes: GroupChangeDto[];
  /** Nothing older than this page: it starts at the conversation's first event. */
  reaches_start: boolean;
}

/**
 * A page of messages and the group changes that fall among them, so a timeline loaded from the
 * store shows renames and membership changes where they happened, as a live one does. A page
 * short of `limit` has nothing beyond it, so it also takes the changes up to the end it reaches.
 */
export async function listHistory(callerId: string, conversationId: string, page: MessagePageInput): Promise<HistoryPage> {
  const messages = await listMessages(callerId, conversationId, page);
  const short = messages.length < page.limit;
  const range =
    page.after !== undefined
      ? { after: page.after, before: short ? undefined : messages.at(-1)!.seq }
      : { after: short ? 0 : messages[0]!.seq, before: page.before };
  const changes = await (await getRepository()).listGroupChanges(conversationId, range.after, range.before);
  return { messages, changes: changes.map(presentGroupChange), reaches_start: page.after === undefined ? short : page.after === 0 };
}
