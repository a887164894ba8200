import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";

import { isoTimestamp } from "@/lib/db/pg/timestamps";
import type { StoredReaction } from "@/lib/db/sqlite/schema";

/**
 * A timestamptz that the application reads and writes as an ISO-8601 `Z` string, so records
 * (and the DTOs made from them) are the same on both dialects. Millisecond precision is what
 * `Date#toISOString()` carries, so a value reads back exactly as it was written.
 */
const timestamp = customType<{ data: string; driverData: string }>({
  dataType: () => "timestamp (3) with time zone",
  toDriver: (value) => value,
  fromDriver: isoTimestamp,
});

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    fullName: text("full_name"),
    passwordHash: text("password_hash").notNull(),
    createdAt: timestamp("created_at").notNull(),
    // When the user's last connection opened or closed: "last seen" while offline.
    lastSeenAt: timestamp("last_seen_at"),
  },
  (t) => [uniqueIndex("users_username_lower_unique").on(sql`lower(${t.username})`)],
);

export const conversations = pgTable("conversations", {
  id: text("id").primaryKey(),
  title: text("title").notNull().default(""),
  isGroup: boolean("is_group").notNull(),
  // The sorted pair of member ids of a 1-on-1; unique, so two people share exactly one.
  directKey: text("direct_key").unique(),
  lastSeq: integer("last_seq").notNull().default(0),
  // Who created it: of a group, the one member who may remove others. Null when unknown.
  createdBy: text("created_by"),
  createdAt: timestamp("created_at").notNull(),
});

export const conversationMembers = pgTable(
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

export const messages = pgTable(
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
    createdAt: timestamp("created_at").notNull(),
    editedAt: timestamp("edited_at"),
    deleted: boolean("deleted").notNull().default(false),
    reactions: jsonb("reactions").$type<StoredReaction[]>().notNull().default([]),
    mentions: jsonb("mentions").$type<string[]>().notNull().default([]),
    replyTo: text("reply_to"),
  },
  (t) => [
    uniqueIndex("messages_sender_message_id_unique").on(t.senderId, t.messageId),
    uniqueIndex("messages_conversation_seq_unique").on(t.conversationId, t.seq),
  ],
);

/** The event log of conversations; see the SQLite twin for what it holds. */
export const conversationEvents = pgTable(
  "conversation_events",
  {
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    messageId: text("message_id").references(() => messages.id, { onDelete: "cascade" }),
    data: text("data"),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.seq] }), index("conversation_events_created_at_idx").on(t.createdAt)],
);

/**
 * Uploaded files. One belongs to its uploader alone until a message of theirs carries it; from
 * then on to the members of that message's conversation. The bytes are in storage, under the id.
 */
export const uploads = pgTable(
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
    hasThumbnail: boolean("has_thumbnail").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("uploads_message_idx").on(t.messageId), index("uploads_created_at_idx").on(t.createdAt)],
);

/** Running server instances, each alive while it keeps `seen_at` fresh. */
export const instances = pgTable("instances", {
  id: text("id").primaryKey(),
  seenAt: timestamp("seen_at").notNull(),
});

/** Who has live connections on which instance: a user is online while a live instance has a row. */
export const presence = pgTable(
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
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // The one refresh token still accepted: each refresh replaces it, so a replayed one is refused.
    refreshJti: text("refresh_jti"),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    revokedAt: timestamp("revoked_at"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);
