import type { ConversationRecord, ConversationSummary, MessageRecord, PublicUser } from "@/lib/db/repository";

/** The JSON shapes of the public API, shared by REST, WebSocket frames and the UI. */

export interface UserDto {
  id: string;
  username: string;
  full_name: string | null;
}

export interface ReactionDto {
  emoji: string;
  count: number;
  user_ids: string[];
}

export interface MessageDto {
  id: string;
  message_id: string;
  sender_id: string;
  conversation_id: string;
  /** "" once deleted. */
  content: string;
  created_at: string;
  /** The seq of the event that created the message. */
  seq: number;
  edited_at: string | null;
  deleted: boolean;
  reactions: ReactionDto[];
  reply_to: string | null;
  mentions: string[];
}

export interface ConversationDto {
  id: string;
  title: string;
  is_group: boolean;
  members: UserDto[];
  member_ids: string[];
  created_at: string;
  /** Who created it: a group's creator may delete any message in it. Null when not recorded. */
  created_by: string | null;
  last_seq: number;
  last_message?: MessageDto | null;
}

export function presentUser(user: PublicUser): UserDto {
  return { id: user.id, username: user.username, full_name: user.fullName };
}

export function presentMessage(message: MessageRecord): MessageDto {
  return {
    id: message.id,
    message_id: message.messageId,
    sender_id: message.senderId,
    conversation_id: message.conversationId,
    content: message.content,
    created_at: message.createdAt,
    seq: message.seq,
    edited_at: message.editedAt,
    deleted: message.deleted,
    reactions: message.reactions.map(({ emoji, userIds }) => ({ emoji, count: userIds.length, user_ids: userIds })),
    reply_to: message.replyTo,
    mentions: message.mentions,
  };
}

export function presentConversation(conversation: ConversationRecord | ConversationSummary): ConversationDto {
  const dto: ConversationDto = {
    id: conversation.id,
    title: conversation.title,
    is_group: conversation.isGroup,
    members: conversation.members.map(presentUser),
    member_ids: conversation.members.map((member) => member.id),
    created_at: conversation.createdAt,
    created_by: conversation.createdBy,
    last_seq: conversation.lastSeq,
  };
  if ("lastMessage" in conversation) {
    dto.last_message = conversation.lastMessage ? presentMessage(conversation.lastMessage) : null;
  }
  return dto;
}
