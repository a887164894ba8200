import { requireMembership } from "@/lib/chat/conversations";
import type { ReadReceiptDto, TypingDto } from "@/lib/chat/present";
import { getRepository } from "@/lib/db";
import type { Signal } from "@/lib/db/repository";
import { processSingleton } from "@/lib/process-singleton";

/** What members learn of each other without it being an event of the stream: reading and typing. */

export interface ReadOutcome {
  receipt: ReadReceiptDto;
  /** False when the marker was already there or further on: nobody else was told. */
  changed: boolean;
}

/**
 * Moves the caller's read marker forward to `seq` (never backwards, never past the newest
 * event) and tells every member's clients, the caller's other devices included.
 */
export async function markRead(callerId: string, conversationId: string, seq: number): Promise<ReadOutcome> {
  const repository = await getRepository();
  const result = await repository.markRead(conversationId, callerId, seq);
  if (!result) {
    await requireMembership(conversationId, callerId);
    throw new Error(`read marker of a member of ${conversationId} not found`);
  }
  const receipt: ReadReceiptDto = { type: "read", conversation_id: conversationId, user_id: callerId, seq: result.lastReadSeq };
  if (result.changed) await repository.broadcast({ recipientIds: await repository.memberIdsOf(conversationId), payload: { ...receipt } });
  return { receipt, changed: result.changed };
}

/** How far each other member of a conversation has read, for the caller, who must be a member. */
export async function othersReadMarkers(callerId: string, conversationId: string): Promise<Record<string, number>> {
  await requireMembership(conversationId, callerId);
  const markers = await (await getRepository()).readMarkersOf(conversationId);
  return Object.fromEntries(markers.filter((marker) => marker.userId !== callerId).map((marker) => [marker.userId, marker.lastReadSeq]));
}

/** A user shows as typing in a conversation at most this often. */
export const TYPING_INTERVAL_MS = 2_000;
const TYPING_MEMORY = 10_000;

/**
 * When each user last showed as typing in each conversation, in this process: as sent from
 * it, and as passed on to its clients.
 */
function lastTyping(side: "sent" | "heard"): Map<string, number> {
  return processSingleton(`last-typing-${side}`, () => new Map<string, number>());
}

function typingAllowed(side: "sent" | "heard", userId: string, conversationId: string, now: number): boolean {
  const seen = lastTyping(side);
  const key = `${userId}:${conversationId}`;
  const last = seen.get(key);
  if (last !== undefined && now - last < TYPING_INTERVAL_MS) return false;
  if (seen.size >= TYPING_MEMORY) {
    for (const [other, at] of seen) if (now - at >= TYPING_INTERVAL_MS) seen.delete(other);
  }
  seen.set(key, now);
  return true;
}

/**
 * Whether a signal reaches this process's clients. Typing does at most once per user and
 * conversation per TYPING_INTERVAL_MS: held where signals are heard, since every instance
 * hears every signal, so a user typing on devices connected to two instances shows once.
 */
export function signalPassed(payload: Signal["payload"], now = Date.now()): boolean {
  if (payload.type !== "typing") return true;
  const { user_id, conversation_id } = payload as unknown as TypingDto;
  return typingAllowed("heard", user_id, conversation_id, now);
}

/**
 * Tells the other members the caller is typing; not stored. Repeats within TYPING_INTERVAL_MS
 * are not sent (no instance would pass them on), which is why a client may send one per keystroke.
 */
export async function announceTyping(callerId: string, conversationId: string): Promise<void> {
  // Membership first: a repeat that breaks the rule is refused like the first, not dropped.
  await requireMembership(conversationId, callerId);
  if (!typingAllowed("sent", callerId, conversationId, Date.now())) return;
  const repository = await getRepository();
  const others = (await repository.memberIdsOf(conversationId)).filter((id) => id !== callerId);
  const payload: TypingDto = { type: "typing", conversation_id: conversationId, user_id: callerId };
  await repository.broadcast({ recipientIds: others, payload: { ...payload } });
}
