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
export type EventRow = typeof schema.conversationEvents.$inferSelect;

/** The kinds of event in a conversation's stream. */
export type EventType = "message";

/** One event of a conversation's stream, with the message it is about as that message is now. */
export interface StoredEvent {
  conversationId: string;
  seq: number;
  type: EventType;
  createdAt: string;
  message: MessageRecord | null;
  /** JSON state of an event that is not about a message. */
  data: string | null;
}

/** A stored event and who hears it: the conversation's members when it was stored. */
export interface Announcement {
  event: StoredEvent;
  memberIds: string[];
}

/** Called once per stored event, in the conversation's seq order, after it is committed. */
export type Announce = (announcement: Announcement) => void;

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
 * in lib/chat stay the same whichever database sits underneath. Every stored event is
 * announced to the `Announce` the store was opened with, whichever instance stored it.
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

  /**
   * Stores the message with its event, under the conversation's next seq, and announces the
   * event; or returns the message the sender already stored under that message_id.
   */
  insertMessage(message: NewMessage): Promise<InsertMessageResult>;
  listMessages(conversationId: string, page: MessagePage): Promise<MessageRecord[]>;
  /** The events after seq `after`, oldest first. */
  listEvents(conversationId: string, after: number, limit: number): Promise<StoredEvent[]>;
}

/** The shape both dialects give an event row joined with its message. */
export function storedEvent(row: { event: EventRow; message: MessageRecord | null }): StoredEvent {
  return {
    conversationId: row.event.conversationId,
    seq: row.event.seq,
    type: row.event.type as EventType,
    createdAt: row.event.createdAt,
    message: row.message,
    data: row.event.data,
  };
}
