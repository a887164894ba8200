import { DomainError } from "@/lib/chat/errors";
import { mentionedMemberIds } from "@/lib/chat/mentions";
import { requireSomething } from "@/lib/chat/messages";
import { presentMessage, type MessageDto } from "@/lib/chat/present";
import { getRepository } from "@/lib/db";
import { attachmentsOf, type MessageChange, type MessageRecord, type StoredReaction } from "@/lib/db/repository";

/**
 * What members may do to a stored message: edit, delete, react. Each change is stored with
 * its `message_updated` event under the conversation's next seq (see updateMessage), and a
 * change that changes nothing stores no event.
 */

const MESSAGE_NOT_FOUND = "Message not found";

export interface ChangedMessage {
  message: MessageDto;
  /** False when the message already was so: nothing was stored or announced. */
  changed: boolean;
}

/** The message, if the caller may see it; a message of someone else's conversation is not found. */
export async function visibleMessage(callerId: string, id: string): Promise<MessageRecord> {
  const repository = await getRepository();
  const message = await repository.findMessage(id);
  if (!message || !(await repository.isMember(message.conversationId, callerId))) {
    throw new DomainError("not_found", MESSAGE_NOT_FOUND);
  }
  return message;
}

/** One message the caller may see, as its replies quote it when its page is not loaded. */
export async function readMessage(callerId: string, id: string): Promise<MessageDto> {
  return presentMessage(await visibleMessage(callerId, id));
}

async function change(id: string, apply: MessageChange): Promise<ChangedMessage> {
  const result = await (await getRepository()).updateMessage(id, apply);
  if (result.outcome === "not_found") throw new DomainError("not_found", MESSAGE_NOT_FOUND);
  return { message: presentMessage(result.message), changed: result.outcome === "updated" };
}

function refuseDeleted(message: MessageRecord, what: string): void {
  if (message.deleted) throw new DomainError("conflict", `A deleted message cannot be ${what}`);
}

/**
 * Only the sender edits, and not once deleted; the text may go only if files stay. The
 * mentions are read again from the new content.
 */
export async function editMessage(callerId: string, id: string, content: string): Promise<ChangedMessage> {
  const message = await visibleMessage(callerId, id);
  if (message.senderId !== callerId) throw new DomainError("forbidden", "Only the sender may edit a message");
  requireSomething(content, attachmentsOf(message).length);
  const conversation = await (await getRepository()).findConversation(message.conversationId);
  const mentions = mentionedMemberIds(content, conversation?.members ?? []);
  return change(id, (current) => {
    refuseDeleted(current, "edited");
    if (current.content === content) return null;
    return { ...current, content, mentions, editedAt: new Date().toISOString() };
  });
}

/**
 * The sender deletes, and so does the creator of a group. A deletion leaves a tombstone that
 * keeps the id and seq (replies and cursors still point somewhere) and nothing it said or
 * carried: its files are no longer served to the conversation.
 */
export async function deleteMessage(callerId: string, id: string): Promise<ChangedMessage> {
  const message = await visibleMessage(callerId, id);
  if (message.senderId !== callerId) {
    const conversation = await (await getRepository()).findConversation(message.conversationId);
    if (!conversation?.isGroup || conversation.createdBy !== callerId) {
      throw new DomainError("forbidden", "Only the sender or the group's creator may delete a message");
    }
  }
  return change(id, (current) => {
    if (current.deleted) return null;
    return { ...current, content: "", attachments: null, deleted: true, reactions: [], mentions: [] };
  });
}

/** Each member has at most one of each emoji on a message; asking for what already stands changes nothing. */
function withReaction(reactions: StoredReaction[], emoji: string, userId: string, on: boolean): StoredReaction[] | null {
  const existing = reactions.find((reaction) => reaction.emoji === emoji);
  const has = existing?.userIds.includes(userId) ?? false;
  if (has === on) return null;
  if (on) {
    return existing
      ? reactions.map((reaction) => (reaction === existing ? { emoji, userIds: [...reaction.userIds, userId] } : reaction))
      : [...reactions, { emoji, userIds: [userId] }];
  }
  return reactions
    .map((reaction) => (reaction === existing ? { emoji, userIds: reaction.userIds.filter((id) => id !== userId) } : reaction))
    .filter((reaction) => reaction.userIds.length > 0);
}

/** Adds (on) or removes the caller's reaction; any member may react, not to a deleted message. */
export async function reactToMessage(callerId: string, id: string, emoji: string, on: boolean): Promise<ChangedMessage> {
  await visibleMessage(callerId, id);
  return change(id, (current) => {
    const reactions = withReaction(current.reactions, emoji, callerId, on);
    if (!reactions) return null;
    refuseDeleted(current, "reacted to");
    return { ...current, reactions };
  });
}
