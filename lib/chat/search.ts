import { requireMembership } from "@/lib/chat/conversations";
import { DomainError } from "@/lib/chat/errors";
import { MAX_SEARCH_TERMS } from "@/lib/chat/limits";
import { visibleMessage } from "@/lib/chat/message-actions";
import { presentMessage, type MessageDto } from "@/lib/chat/present";
import type { SearchInput } from "@/lib/chat/schemas";
import { getRepository } from "@/lib/db";

/**
 * The words of a query as both full-text engines split words: runs of letters and digits, once
 * composed (an accent typed as a combining mark stays in its word). Anything else (quotes,
 * operators, punctuation) only separates words. Case is left to each engine, which folds the
 * query as it folds the messages.
 */
export function searchTerms(q: string): string[] {
  const words = q.normalize("NFC").match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
}

/** Messages of the caller's conversations (or of one of them) containing every word of q, newest first. */
export async function searchMessages(callerId: string, input: SearchInput): Promise<MessageDto[]> {
  const terms = searchTerms(input.q);
  if (terms.length === 0) throw new DomainError("invalid", "q: must contain at least one letter or digit");
  if (input.conversation_id !== undefined) await requireMembership(input.conversation_id, callerId);
  const before = input.before === undefined ? undefined : await visibleMessage(callerId, input.before);
  const found = await (await getRepository()).searchMessages({
    userId: callerId,
    terms,
    conversationId: input.conversation_id,
    before,
    limit: input.limit,
  });
  return found.map(presentMessage);
}
