import { randomUUID } from "node:crypto";

import { requireMembership } from "@/lib/chat/conversations";
import { DomainError } from "@/lib/chat/errors";
import { mentionedMemberIds, mentionedUsernames } from "@/lib/chat/mentions";
import { presentMessage, type MessageDto } from "@/lib/chat/present";
import type { MessagePageInput, SendMessageInput } from "@/lib/chat/schemas";
import { getRepository } from "@/lib/db";
import { recordMessageStored } from "@/lib/observability/metrics";

export interface SentMessage {
  message: MessageDto;
  /** False when message_id was already stored by this sender: nothing new was written or announced. */
  created: boolean;
}

/** A message says something: text, files, or both. */
export function requireSomething(content: string, attachmentCount: number): void {
  if (content === "" && attachmentCount === 0) throw new DomainError("invalid", "content: must not be empty");
}

/**
 * Stores a message from callerId; the store announces its event to every member. Retrying
 * with the same message_id returns the stored message without storing anything again.
 * `sessionId` is the session it is sent under when nothing has checked yet that it stands:
 * the store then checks it in the message's own unit of work, and refuses it with 401.
 */
export async function sendMessage(callerId: string, input: SendMessageInput, sessionId: string | null): Promise<SentMessage> {
  if (input.sender_id !== undefined && input.sender_id !== callerId) {
    throw new DomainError("forbidden", "sender_id must be the authenticated user");
  }
  requireSomething(input.content, input.attachment_ids.length);
  const repository = await getRepository();
  const replyTo = input.reply_to ?? null;
  const namesSomeone = mentionedUsernames(input.content).length > 0;
  // The store refuses a non-member itself, in the message's own transaction; only a message
  // that reads another message or the members first needs the caller checked before that.
  if (replyTo !== null || namesSomeone) await requireMembership(input.conversation_id, callerId);
  if (replyTo !== null) {
    const original = await repository.findMessage(replyTo);
    if (original?.conversationId !== input.conversation_id) {
      throw new DomainError("invalid", "reply_to: must be a message of the same conversation");
    }
  }
  // Only a message that names someone needs the members' names.
  const mentions = namesSomeone ? mentionedMemberIds(input.content, (await repository.findConversation(input.conversation_id))?.members ?? []) : [];
  const result = await repository.insertMessage({
    id: randomUUID(),
    messageId: input.message_id,
    senderId: callerId,
    conversationId: input.conversation_id,
    content: input.content,
    attachmentIds: input.attachment_ids,
    createdAt: new Date().toISOString(),
    editedAt: null,
    deleted: false,
    reactions: [],
    mentions,
    replyTo,
    senderSessionId: sessionId,
  });
  if (result.outcome === "signed_out") throw new DomainError("unauthorized", "Invalid or expired token");
  if (result.outcome === "no_conversation") throw new DomainError("not_found", "Conversation not found");
  if (result.outcome === "not_member") throw new DomainError("forbidden", "You are not a member of this conversation");
  if (result.outcome === "invalid_attachments") {
    throw new DomainError("invalid", "attachment_ids: each must be one of your own uploads that no message carries yet");
  }
  const message = presentMessage(result.message);
  if (result.outcome === "existing") {
    // An edit or deletion has replaced the content the retry carries; only the conversation can be compared then.
    const rewritten = message.edited_at !== null || message.deleted;
    if (message.conversation_id !== input.conversation_id || (!rewritten && message.content !== input.content)) {
      throw new DomainError("conflict", "message_id was already used for a different message");
    }
    return { message, created: false };
  }
  recordMessageStored();
  return { message, created: true };
}

export async function listMessages(
  callerId: string,
  conversationId: string,
  page: MessagePageInput,
): Promise<MessageDto[]> {
  await requireMembership(conversationId, callerId);
  const repository = await getRepository();
  return (await repository.listMessages(conversationId, page)).map(presentMessage);
}
