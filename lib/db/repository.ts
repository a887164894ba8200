import type * as schema from "@/lib/db/sqlite/schema";

export type UserRecord = typeof schema.users.$inferSelect;
export type MessageRecord = typeof schema.messages.$inferSelect;
export type ConversationRow = typeof schema.conversations.$inferSelect;
export type PublicUser = Pick<UserRecord, "id" | "username" | "fullName">;

export interface ConversationRecord extends Omit<ConversationRow, "directKey"> {
  members: PublicUser[];
}

export interface ConversationSummary extends ConversationRecord {
  lastMessage: MessageRecord | null;
}

export type NewMessage = Omit<MessageRecord, "seq">;

export type InsertMessageResult =
  | { outcome: "created"; message: MessageRecord }
  | { outcome: "existing"; message: MessageRecord }
  | { outcome: "no_conversation" };

export interface MessagePage {
  limit: number;
  before?: number;
  after?: number;
}

/**
 * What the domain needs from storage. Each method is one atomic unit of work, so the rules
 * in lib/chat stay the same whichever database sits underneath.
 */
export interface ChatRepository {
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Returns null when the username is taken, compared case-insensitively. */
  insertUser(user: UserRecord): Promise<UserRecord | null>;
  findUserById(id: string): Promise<UserRecord | null>;
  findUserByUsername(username: string): Promise<UserRecord | null>;
  findUsersByIds(ids: string[]): Promise<PublicUser[]>;
  findUsersByUsernames(usernames: string[]): Promise<PublicUser[]>;
  listUsersExcept(userId: string): Promise<PublicUser[]>;

  insertGroup(conversation: ConversationRow, memberIds: string[]): Promise<void>;
  /** Creates the 1-on-1 for directKey unless it exists; returns the id of the one that stands. */
  findOrInsertDirect(conversation: ConversationRow, memberIds: string[]): Promise<{ id: string; created: boolean }>;
  findConversation(id: string): Promise<ConversationRecord | null>;
  listConversationsOf(userId: string): Promise<ConversationSummary[]>;
  isMember(conversationId: string, userId: string): Promise<boolean>;
  memberIdsOf(conversationId: string): Promise<string[]>;

  /** Allocates the next sequence number of the conversation and stores the message, or returns the one the sender already stored under that message_id. */
  insertMessage(message: NewMessage): Promise<InsertMessageResult>;
  listMessages(conversationId: string, page: MessagePage): Promise<MessageRecord[]>;
}
