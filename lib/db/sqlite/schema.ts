import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** One emoji on a message and who put it there, in the order they did. */
export interface StoredReaction {
  emoji: string;
  userIds: string[];
}

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    fullName: text("full_name"),
    passwordHash: text("password_hash").notNull(),
    createdAt: text("created_at").notNull(),
    // When the user's last connection opened or closed: "last seen" while offline.
    lastSeenAt: text("last_seen_at"),
  },
  (t) => [uniqueIndex("users_username_lower_unique").on(sql`lower(${t.username})`)],
);

export const conversations = sqliteTable("conversations", {
  id: text("id").primaryKey(),
  title: text("title").notNull().default(""),
  isGroup: integer("is_group", { mode: "boolean" }).notNull(),
  // The sorted pair of member ids of a 1-on-1; unique, so two people share exactly one.
  directKey: text("direct_key").unique(),
  lastSeq: integer("last_seq").notNull().default(0),
  // Who created it: of a group, the one member who may remove others. Null when unknown.
  createdBy: text("created_by"),
  createdAt: text("created_at").notNull(),
});

export const conversationMembers = sqliteTable(
  "conversation_members",
  {
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // The member's read marker: the last event seq they have seen; it never moves backwards.
    lastReadSeq: integer("last_read_seq").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index("conversation_members_user_idx").on(t.userId),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull(),
    senderId: text("sender_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    content: text("content").notNull(),
    // The files it carries, as JSON: they never change once attached, so they travel with it.
    attachments: text("attachments"),
    seq: integer("seq").notNull(),
    createdAt: text("created_at").notNull(),
    editedAt: text("edited_at"),
    deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
    // Reactions and mentions are always read and written with their message, under the
    // conversation's counter lock, so they live on its row: one row is one event's state.
    reactions: text("reactions", { mode: "json" }).$type<StoredReaction[]>().notNull().default(sql`'[]'`),
    mentions: text("mentions", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    replyTo: text("reply_to"),
  },
  (t) => [
    uniqueIndex("messages_sender_message_id_unique").on(t.senderId, t.messageId),
    uniqueIndex("messages_conversation_seq_unique").on(t.conversationId, t.seq),
  ],
);

/**
 * Everything members must see about a conversation, numbered by the conversation's one
 * counter (conversations.last_seq). An event about a message points at it, so a replay shows
 * the message as it is now (a deleted message's content is gone from the log too); events that
 * carry their own state keep it in `data` (JSON).
 */
export const conversationEvents = sqliteTable(
  "conversation_events",
  {
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    messageId: text("message_id").references(() => messages.id, { onDelete: "cascade" }),
    data: text("data"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.seq] }), index("conversation_events_created_at_idx").on(t.createdAt)],
);

/**
 * Uploaded files. One belongs to its uploader alone until a message of theirs carries it; from
 * then on to the members of that message's conversation. The bytes are in storage, under the id.
 */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    uploaderId: text("uploader_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    messageId: text("message_id").references(() => messages.id, { onDelete: "cascade" }),
    conversationId: text("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type").notNull(),
    width: integer("width"),
    height: integer("height"),
    hasThumbnail: integer("has_thumbnail", { mode: "boolean" }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("uploads_message_idx").on(t.messageId), index("uploads_created_at_idx").on(t.createdAt)],
);

/** Running server instances, each alive while it keeps `seen_at` fresh. */
export const instances = sqliteTable("instances", {
  id: text("id").primaryKey(),
  seenAt: text("seen_at").notNull(),
});

/** Who has live connections on which instance: a user is online while a live instance has a row. */
export const presence = sqliteTable(
  "presence",
  {
    instanceId: text("instance_id")
      .notNull()
      .references(() => instances.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.instanceId, t.userId] }), index("presence_user_idx").on(t.userId)],
);

/** One signed-in device: its access and refresh tokens name it (`sid`) and stop working once it is revoked. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // The one refresh token still accepted: each refresh replaces it, so a replayed one is refused.
    refreshJti: text("refresh_jti"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);
