import type { ConversationRecord, ConversationSummary, MessageRecord, PublicUser } from "@/lib/db/repository";

/** The JSON shapes of the public API, shared by REST, WebSocket frames and the UI. */

export interface UserDto {
  id: string;
  username: string;
  full_name: string | null;
}

export interface MessageDto {
  id: string;
  message_id: string;
  sender_id: string;
  conversation_id: string;
  content: string;
  created_at: string;
  seq: number;
}

export interface ConversationDto {
  id: string;
  title: string;
  is_group: boolean;
  members: UserDto[];
  member_ids: string[];
  created_at: string;
  last_seq: number;
  last_message?: MessageDto | null;
  /** In the caller's own list: their read marker and the messages by others after it. */
  last_read_seq?: number;
  unread_count?: number;
}

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
    last_seq: conversation.lastSeq,
  };
  if ("lastMessage" in conversation) {
    dto.last_message = conversation.lastMessage ? presentMessage(conversation.lastMessage) : null;
    dto.last_read_seq = conversation.lastReadSeq;
    dto.unread_count = conversation.unreadCount;
  }
  return dto;
}
