import {
  attachmentsOf,
  changeDataOf,
  type AttachmentRecord,
  type ConversationChangeData,
  type ConversationRecord,
  type ConversationSummary,
  type MessageRecord,
  type PublicUser,
  type StoredEvent,
  type UserRecord,
} from "@/lib/db/repository";

/** The JSON shapes of the public API, shared by REST, WebSocket frames and the UI. */

export interface UserDto {
  id: string;
  username: string;
  full_name: string | null;
}

/** Someone as others see them, in the people list and among a conversation's members. */
export interface PersonDto extends UserDto {
  online: boolean;
  /** When their last connection opened or closed; null if they never connected. */
  last_seen_at: string | null;
}

/** Someone came online or went offline. */
export interface PresenceDto {
  type: "presence";
  user_id: string;
  online: boolean;
  last_seen_at: string | null;
}

/** A file as the API gives it: `url` serves it to whoever may read it; images have their size and a thumbnail. */
export interface AttachmentDto {
  id: string;
  name: string;
  size: number;
  content_type: string;
  url: string;
  width?: number;
  height?: number;
  thumbnail_url?: string;
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
  attachments: AttachmentDto[];
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
  /** Who created it: of a group, the one member who may remove others and delete any message. Null when not recorded. */
  created_by: string | null;
  members: PersonDto[];
  member_ids: string[];
  created_at: string;
  last_seq: number;
  last_message?: MessageDto | null;
  /** In the caller's own list: their read marker, the messages by others after it, and those of them that mention the caller. */
  last_read_seq?: number;
  unread_count?: number;
  unread_mentions?: number;
}

/** A conversation as a `conversation_updated` event left it (members without presence, which is not logged). */
export type ConversationStateDto = ConversationChangeData["conversation"];

/** A rename or membership change of a group, as its `conversation_updated` event tells it. */
export type GroupChangeDto = ConversationChangeData & { seq: number; conversation_id: string };

/** Someone's read marker moved: `seq` is the last event seq they have seen. */
export interface ReadReceiptDto {
  type: "read";
  conversation_id: string;
  user_id: string;
  seq: number;
}

export interface TypingDto {
  type: "typing";
  conversation_id: string;
  user_id: string;
}

export function presentUser(user: Pick<UserRecord, "id" | "username" | "fullName">): UserDto {
  return { id: user.id, username: user.username, full_name: user.fullName };
}

export function presentPerson(user: PublicUser): PersonDto {
  return { ...presentUser(user), online: user.online, last_seen_at: user.lastSeenAt };
}

export function presentAttachment(attachment: AttachmentRecord): AttachmentDto {
  const dto: AttachmentDto = {
    id: attachment.id,
    name: attachment.name,
    size: attachment.size,
    content_type: attachment.contentType,
    url: `/uploads/${attachment.id}`,
  };
  if (attachment.width !== null && attachment.height !== null) Object.assign(dto, { width: attachment.width, height: attachment.height });
  if (attachment.hasThumbnail) dto.thumbnail_url = `/uploads/${attachment.id}/thumbnail`;
  return dto;
}

export function presentGroupChange(event: StoredEvent): GroupChangeDto {
  return { seq: event.seq, conversation_id: event.conversationId, ...changeDataOf(event) };
}

export function presentMessage(message: MessageRecord): MessageDto {
  return {
    id: message.id,
    message_id: message.messageId,
    sender_id: message.senderId,
    conversation_id: message.conversationId,
    content: message.content,
    attachments: attachmentsOf(message).map(presentAttachment),
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
    created_by: conversation.createdBy,
    members: conversation.members.map(presentPerson),
    member_ids: conversation.members.map((member) => member.id),
    created_at: conversation.createdAt,
    last_seq: conversation.lastSeq,
  };
  if ("lastMessage" in conversation) {
    dto.last_message = conversation.lastMessage ? presentMessage(conversation.lastMessage) : null;
    dto.last_read_seq = conversation.lastReadSeq;
    dto.unread_count = conversation.unreadCount;
    dto.unread_mentions = conversation.unreadMentions;
  }
  return dto;
}
