import { getConfig } from "@/lib/config";
import type * as schema from "@/lib/db/sqlite/schema";

export type UserRecord = typeof schema.users.$inferSelect;
export type MessageRecord = typeof schema.messages.$inferSelect;
export type ConversationRow = typeof schema.conversations.$inferSelect;
/** Someone as others see them: who they are and whether they are connected now. */
export type PublicUser = Pick<UserRecord, "id" | "username" | "fullName" | "lastSeenAt"> & { online: boolean };

/**
 * When an instance must have been seen for its presence rows to count: one that has not
 * refreshed `instances.seen_at` for PRESENCE_EXPIRY_MS is gone, and its users' presence with it.
 */
export function liveSince(now = Date.now()): string {
  return new Date(now - getConfig().presenceExpiryMs).toISOString();
}

export interface ConversationRecord extends Omit<ConversationRow, "directKey"> {
  members: PublicUser[];
}

export interface ConversationSummary extends ConversationRecord {
  lastMessage: MessageRecord | null;
  /** The reader's read marker, the messages by others after it, and those of them that mention the reader. */
  lastReadSeq: number;
  unreadCount: number;
  unreadMentions: number;
}

export type UploadRecord = typeof schema.uploads.$inferSelect;
/** What a message keeps of each file it carries (`messages.attachments`, JSON). */
export type AttachmentRecord = Pick<UploadRecord, "id" | "name" | "size" | "contentType" | "width" | "height" | "hasThumbnail">;

/**
 * A message to store, with the ids of the sender's own unattached uploads it carries, and the
 * session it is sent under when the store is to check that session still stands (see
 * insertMessage); null when the caller has checked it already.
 */
export type NewMessage = Omit<MessageRecord, "seq" | "attachments"> & { attachmentIds: string[]; senderSessionId: string | null };
export type { StoredReaction } from "@/lib/db/sqlite/schema";
export type EventRow = typeof schema.conversationEvents.$inferSelect;

/** The kinds of event in a conversation's stream. */
export type EventType = "message" | "message_updated" | "conversation_updated";

/** A change to a group: the unit of work behind a `conversation_updated` event. */
export type ConversationChange =
  | { kind: "renamed"; title: string }
  | { kind: "members_added"; userIds: string[] }
  | { kind: "member_removed"; userId: string };

/**
 * The `data` of a `conversation_updated` event, in the wire's own words: the conversation as
 * the change left it, what changed, who changed it, and whom it was about.
 */
export interface ConversationChangeData {
  conversation: {
    id: string;
    title: string;
    is_group: boolean;
    created_by: string | null;
    member_ids: string[];
    members: { id: string; username: string; full_name: string | null }[];
  };
  change: ConversationChange["kind"];
  actor_id: string;
  user_ids: string[];
}

export type ChangeConversationResult =
  | { outcome: "changed"; conversation: ConversationChangeData["conversation"]; seq: number }
  | { outcome: "unchanged" }
  | { outcome: "no_conversation" }
  | { outcome: "not_member" };

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

/**
 * Something that is not an event of a conversation's stream but must reach some users'
 * clients at once, wherever they are connected: a read marker moving, someone typing,
 * someone coming online. Not ordered, not replayed.
 */
export interface Signal {
  recipientIds: string[];
  /** The frame the recipients' clients get, as JSON. */
  payload: { type: string } & Record<string, unknown>;
}

/** How the store tells this process (and, on PostgreSQL, every instance) what happened. */
export interface Announcer {
  event: Announce;
  signal(signal: Signal): void;
}

export type InsertMessageResult =
  | { outcome: "created"; message: MessageRecord }
  | { outcome: "existing"; message: MessageRecord }
  | { outcome: "no_conversation" }
  /** The session it was sent under (senderSessionId) was revoked or had expired, or is not the sender's. */
  | { outcome: "signed_out" }
  /** The sender was not a member when the message would have been stored (removed meanwhile, say). */
  | { outcome: "not_member" }
  /** An attachment id is not an upload of the sender's that no message carries yet. */
  | { outcome: "invalid_attachments" };

/**
 * What a change makes of a message, given its state inside the transaction: the new state, or
 * null when it changes nothing (then no event is stored). It may throw to refuse the change.
 */
export type MessageChange = (current: MessageRecord) => MessageRecord | null;

export type UpdateMessageResult =
  | { outcome: "updated"; message: MessageRecord }
  | { outcome: "unchanged"; message: MessageRecord }
  | { outcome: "not_found" };

export interface SearchQuery {
  userId: string;
  /** Words that must all occur, each as a word or the start of one; letters and digits only. */
  terms: string[];
  conversationId?: string;
  /** Only messages older than this one (by created_at, then id). */
  before?: Pick<MessageRecord, "createdAt" | "id">;
  limit: number;
}

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
  /**
   * Moves the member's read marker forward to `seq`, capped at the conversation's newest
   * event; null when they are not a member.
   */
  markRead(conversationId: string, userId: string, seq: number): Promise<{ lastReadSeq: number; changed: boolean } | null>;
  memberIdsOf(conversationId: string): Promise<string[]>;
  /** Every member's read marker: how far each has read. */
  readMarkersOf(conversationId: string): Promise<{ userId: string; lastReadSeq: number }[]>;

  /**
   * Stores the message with its event, under the conversation's next seq, and announces the
   * event; or returns the message the sender already stored under that message_id. Membership
   * is checked first, inside the unit of work: a sender who is not a member (or no longer one)
   * is refused even a retry, and an unknown conversation is told apart from one closed to them.
   * Before that, in the same unit of work, the sender's session when one is given: a message
   * sent under a session that no longer stands is refused, a retry too, and nothing is stored.
   */
  insertMessage(message: NewMessage): Promise<InsertMessageResult>;
  /**
   * Applies the change if the actor is a member and it changes anything, storing its
   * `conversation_updated` event under the conversation's next seq and announcing it.
   */
  changeConversation(conversationId: string, actorId: string, change: ConversationChange, now: string): Promise<ChangeConversationResult>;

  insertUpload(upload: UploadRecord): Promise<void>;
  findUpload(id: string): Promise<UploadRecord | null>;
  /** Deletes up to `limit` uploads that no message carries and that were created before `before`; returns them. */
  deleteUnattachedUploads(before: string, limit: number): Promise<UploadRecord[]>;

  /** Marks the instance alive at `now`. */
  touchInstance(instanceId: string, now: string): Promise<void>;
  /** Records that the user has connections on the instance; says whether a live instance already had them. */
  addPresence(instanceId: string, userId: string, now: string): Promise<{ wasOnline: boolean }>;
  /** Records that the user has no more connections on the instance; says whether a live instance still has them. */
  removePresence(instanceId: string, userId: string, now: string): Promise<{ stillOnline: boolean }>;
  /**
   * Forgets instances not seen since `cutoff` (crashed) or the one named (shutting down), with
   * their presence; returns the users who were connected only there, and are now offline.
   */
  removeInstances(cutoff: string, instanceId: string | null, now: string): Promise<string[]>;
  /** Everyone who shares a conversation with the user, but the user. */
  peerIdsOf(userId: string): Promise<string[]>;
  findMessage(id: string): Promise<MessageRecord | null>;
  /**
   * Applies `change` to the message under its conversation's lock, so concurrent changes of
   * one conversation happen one after another, each on the state the previous one left; a
   * change stores the new state and a `message_updated` event under the next seq, and
   * announces it. Uploads the new state no longer carries are released with it: unattached,
   * only their uploader reads them, and the sweep deletes them.
   */
  updateMessage(id: string, change: MessageChange): Promise<UpdateMessageResult>;
  listMessages(conversationId: string, page: MessagePage): Promise<MessageRecord[]>;
  /**
   * Messages matching every term, newest first, from the conversations the user is a member
   * of at the time of the query; deleted messages never match.
   */
  searchMessages(query: SearchQuery): Promise<MessageRecord[]>;
  /** The events after seq `after`, oldest first. */
  listEvents(conversationId: string, after: number, limit: number): Promise<StoredEvent[]>;
  /** The `conversation_updated` events after seq `after` and before seq `before` (if given), oldest first. */
  listGroupChanges(conversationId: string, after: number, before?: number): Promise<StoredEvent[]>;
  /** Hands the signal to every instance's Announcer (this one's included). */
  broadcast(signal: Signal): Promise<void>;
}

/** The event row of a stored message event, the same on both dialects. */
export function messageEventRow(message: MessageRecord, seq: number, type: EventType, createdAt: string): EventRow {
  return { conversationId: message.conversationId, seq, type, messageId: message.id, data: null, createdAt };
}

/** The columns a change may write: a message's sender, conversation, seq and creation stay. */
export function changedColumns(
  message: MessageRecord,
): Pick<MessageRecord, "content" | "attachments" | "editedAt" | "deleted" | "reactions" | "mentions"> {
  const { content, attachments, editedAt, deleted, reactions, mentions } = message;
  return { content, attachments, editedAt, deleted, reactions, mentions };
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

/** Whom a change is about, of the members before it; empty when it changes nothing. */
export function changedUserIds(change: ConversationChange, title: string, memberIds: string[]): string[] | null {
  switch (change.kind) {
    case "renamed":
      return change.title === title ? null : [];
    case "members_added": {
      const added = [...new Set(change.userIds)].filter((id) => !memberIds.includes(id));
      return added.length > 0 ? added : null;
    }
    case "member_removed":
      return memberIds.includes(change.userId) ? [change.userId] : null;
  }
}

/** The event a change is stored as, with the members after it (ordered by username). */
export function conversationChangeEvent(
  conversation: Pick<ConversationRow, "id" | "title" | "isGroup" | "createdBy">,
  members: Pick<UserRecord, "id" | "username" | "fullName">[],
  change: ConversationChange,
  actorId: string,
  userIds: string[],
  seq: number,
  now: string,
): EventRow {
  const data: ConversationChangeData = {
    conversation: {
      id: conversation.id,
      title: conversation.title,
      is_group: conversation.isGroup,
      created_by: conversation.createdBy,
      member_ids: members.map((member) => member.id),
      members: members.map((member) => ({ id: member.id, username: member.username, full_name: member.fullName })),
    },
    change: change.kind,
    actor_id: actorId,
    user_ids: userIds,
  };
  return { conversationId: conversation.id, seq, type: "conversation_updated", messageId: null, data: JSON.stringify(data), createdAt: now };
}

/** The data of a `conversation_updated` event; the store wrote it, so its shape is known. */
export function changeDataOf(event: Pick<StoredEvent, "conversationId" | "seq" | "data">): ConversationChangeData {
  if (event.data === null) throw new Error(`event ${event.conversationId}#${event.seq} has no data`);
  return JSON.parse(event.data) as ConversationChangeData;
}

/** The message's attachments column: the claimed uploads in the order the sender gave. */
export function attachmentsColumn(claimed: AttachmentRecord[], order: string[]): string | null {
  if (claimed.length === 0) return null;
  const byId = new Map(claimed.map((upload) => [upload.id, upload]));
  const kept: AttachmentRecord[] = order.flatMap((id) => {
    const upload = byId.get(id);
    return upload ? [{ id, name: upload.name, size: upload.size, contentType: upload.contentType, width: upload.width, height: upload.height, hasThumbnail: upload.hasThumbnail }] : [];
  });
  return JSON.stringify(kept);
}

/** The attachments a message carries; the store wrote the column, so its shape is known. */
export function attachmentsOf(message: Pick<MessageRecord, "attachments">): AttachmentRecord[] {
  return message.attachments ? (JSON.parse(message.attachments) as AttachmentRecord[]) : [];
}
