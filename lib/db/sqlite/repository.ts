import type Database from "better-sqlite3";
import { and, asc, desc, eq, getTableColumns, gt, inArray, isNull, lt, lte, ne, or, sql, type Placeholder } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";

import {
  attachmentsColumn,
  changeDataOf,
  changedColumns,
  changedUserIds,
  conversationChangeEvent,
  liveSince,
  messageEventRow,
  storedEvent,
  type Announcement,
  type Announcer,
  type ChatRepository,
  type ConversationSummary,
  type EventRow,
  type MessageRecord,
  type NewMessage,
  type PublicUser,
} from "@/lib/db/repository";
import { groupCommit } from "@/lib/db/sqlite/group-commit";
import * as schema from "@/lib/db/sqlite/schema";

const { users, conversations, conversationMembers, messages, conversationEvents, instances, presence, sessions, uploads } = schema;

/** Messages again, under another name, for the unread subquery. */
const unread = alias(messages, "unread");
const peers = alias(conversationMembers, "peers");

type Transaction = Parameters<Parameters<BetterSQLite3Database<typeof schema>["transaction"]>[0]>[0];

/** Whether a live instance other than `instanceId` has the user's connections. */
function onlineElsewhere(tx: Transaction, instanceId: string | null, userId: string, now: string): boolean {
  const row = tx
    .select({ userId: presence.userId })
    .from(presence)
    .innerJoin(instances, eq(instances.id, presence.instanceId))
    .where(and(eq(presence.userId, userId), instanceId === null ? undefined : ne(presence.instanceId, instanceId), gt(instances.seenAt, liveSince(Date.parse(now)))))
    .get();
  return row !== undefined;
}

/**
 * A user as others see them; `online` is counted at the time of the query. (The user's id is
 * named with its table: Drizzle leaves the selected table's columns unqualified, and inside
 * the subquery a bare "id" would be the instance's.)
 */
function publicUserColumns() {
  return {
    id: users.id,
    username: users.username,
    fullName: users.fullName,
    lastSeenAt: users.lastSeenAt,
    online: sql<boolean>`exists (select 1 from ${presence} inner join ${instances} on ${instances.id} = ${presence.instanceId} where ${presence.userId} = ${sql.identifier("users")}.${sql.identifier("id")} and ${instances.seenAt} > ${liveSince()})`.mapWith(Boolean),
  };
}

const messageColumns = getTableColumns(messages);

/** The newest message of the conversation in the query, found through the (conversation, seq) index. */
const latestMessageSeq = sql`(select max(latest.seq) from ${messages} latest where latest.conversation_id = ${conversations.id})`;

type Db = BetterSQLite3Database<typeof schema>;

/**
 * The statements of every message sent, delivered or read, built and compiled once: rebuilding
 * them through Drizzle and compiling them again in SQLite on each execution cost more than
 * running them.
 */
function hotStatements(db: Db) {
  const conversationId = sql.placeholder("conversationId");
  const messagePages = new Map<string, ReturnType<typeof preparePage>>();
  function preparePage(before: boolean, after: boolean) {
    const conditions = [eq(messages.conversationId, conversationId)];
    if (before) conditions.push(lt(messages.seq, sql.placeholder("before")));
    if (after) conditions.push(gt(messages.seq, sql.placeholder("after")));
    return db
      .select()
      .from(messages)
      .where(and(...conditions))
      .orderBy(after ? asc(messages.seq) : desc(messages.seq))
      .limit(sql.placeholder("limit"))
      .prepare();
  }
  return {
    userById: db.select().from(users).where(eq(users.id, sql.placeholder("id"))).prepare(),
    member: db
      .select({ userId: conversationMembers.userId })
      .from(conversationMembers)
      .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, sql.placeholder("userId"))))
      .prepare(),
    memberIds: db.select({ userId: conversationMembers.userId }).from(conversationMembers).where(eq(conversationMembers.conversationId, conversationId)).prepare(),
    /** The session if it still stands at `now`: the user's, not revoked, not expired (as lib/auth/sessions reads one). */
    standingSession: db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.id, sql.placeholder("sessionId")), eq(sessions.userId, sql.placeholder("userId")), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.placeholder("now"))))
      .prepare(),
    conversationExists: db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversationId)).prepare(),
    messageById: db.select().from(messages).where(eq(messages.id, sql.placeholder("id"))).prepare(),
    messageBySenderKey: db
      .select()
      .from(messages)
      .where(and(eq(messages.senderId, sql.placeholder("senderId")), eq(messages.messageId, sql.placeholder("messageId"))))
      .prepare(),
    nextSeq: db
      .update(conversations)
      .set({ lastSeq: sql`${conversations.lastSeq} + 1` })
      .where(eq(conversations.id, conversationId))
      .returning({ seq: conversations.lastSeq })
      .prepare(),
    insertMessage: db.insert(messages).values(placeholders(getTableColumns(messages))).prepare(),
    insertEvent: db.insert(conversationEvents).values(placeholders(getTableColumns(conversationEvents))).prepare(),
    /** A page of a conversation's messages below `before` and/or above `after`, newest first unless paging up from `after`. */
    messagePage(before: boolean, after: boolean) {
      const key = `${before}:${after}`;
      let page = messagePages.get(key);
      if (!page) messagePages.set(key, (page = preparePage(before, after)));
      return page;
    },
    eventsAfter: db
      .select({ event: conversationEvents, message: messages })
      .from(conversationEvents)
      .leftJoin(messages, eq(messages.id, conversationEvents.messageId))
      .where(and(eq(conversationEvents.conversationId, conversationId), gt(conversationEvents.seq, sql.placeholder("after"))))
      .orderBy(asc(conversationEvents.seq))
      .limit(sql.placeholder("limit"))
      .prepare(),
  };
}

/** A placeholder named after each column, for inserting a whole row through a prepared statement. */
function placeholders<Columns extends Record<string, unknown>>(columns: Columns): { [Name in keyof Columns]: Placeholder } {
  return Object.fromEntries(Object.keys(columns).map((name) => [name, sql.placeholder(name)])) as { [Name in keyof Columns]: Placeholder };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && "code" in error && String(error.code).startsWith("SQLITE_CONSTRAINT_UNIQUE");
}

/**
 * The embedded store. SQLite has one writer and lives in this process only, so an event is
 * announced right after its transaction commits, the announcements are in seq order, and a
 * broadcast signal only has this process to reach.
 */
export function createSqliteRepository(client: Database.Database, announcer: Announcer): ChatRepository {
  const db = drizzle(client, { schema });
  const hot = hotStatements(db);

  function memberIdsOf(conversationId: string): string[] {
    return hot.memberIds.all({ conversationId }).map((row) => row.userId);
  }

  /** An event and the members who hear it, read in the event's own transaction (unless it already read them). */
  function announcementOf(event: EventRow, message: MessageRecord, memberIds = memberIdsOf(event.conversationId)): Announcement {
    return { event: storedEvent({ event, message }), memberIds };
  }

  /** Takes the conversation's next seq; undefined when there is no such conversation. */
  function nextSeq(conversationId: string): number | undefined {
    return hot.nextSeq.get({ conversationId })?.seq;
  }

  function membersOf(conversationIds: string[]): Map<string, PublicUser[]> {
    const byConversation = new Map<string, PublicUser[]>();
    if (conversationIds.length === 0) return byConversation;
    const rows = db
      .select({ conversationId: conversationMembers.conversationId, ...publicUserColumns() })
      .from(conversationMembers)
      .innerJoin(users, eq(users.id, conversationMembers.userId))
      .where(inArray(conversationMembers.conversationId, conversationIds))
      .orderBy(asc(users.username))
      .all();
    for (const { conversationId, ...member } of rows) {
      const list = byConversation.get(conversationId) ?? [];
      list.push(member);
      byConversation.set(conversationId, list);
    }
    return byConversation;
  }

  /** A message's checks and writes, run in a transaction by storeMessage. */
  function writeMessage(message: NewMessage) {
    const { attachmentIds, senderSessionId, ...row } = message;
    if (senderSessionId !== null && !hot.standingSession.get({ sessionId: senderSessionId, userId: row.senderId, now: row.createdAt })) {
      return { outcome: "signed_out" } as const;
    }
    const memberIds = memberIdsOf(message.conversationId);
    if (!memberIds.includes(message.senderId)) {
      return { outcome: memberIds.length === 0 && !hot.conversationExists.get({ conversationId: message.conversationId }) ? "no_conversation" : "not_member" } as const;
    }
    const existing = hot.messageBySenderKey.get({ senderId: message.senderId, messageId: message.messageId });
    if (existing) return { outcome: "existing", message: existing } as const;
    // Only for a message with files: most have none, and building the condition showed in profiles of storing one.
    const claimable = attachmentIds.length === 0 ? undefined : and(inArray(uploads.id, attachmentIds), eq(uploads.uploaderId, message.senderId), isNull(uploads.messageId));
    const claimed = claimable ? db.select().from(uploads).where(claimable).all() : [];
    if (claimed.length !== attachmentIds.length) return { outcome: "invalid_attachments" } as const;
    const seq = nextSeq(message.conversationId);
    if (seq === undefined) return { outcome: "no_conversation" } as const;
    const stored: MessageRecord = { ...row, attachments: attachmentsColumn(claimed, attachmentIds), seq };
    hot.insertMessage.run(stored);
    if (claimable) db.update(uploads).set({ messageId: stored.id, conversationId: stored.conversationId }).where(claimable).run();
    const event = messageEventRow(stored, stored.seq, "message", stored.createdAt);
    hot.insertEvent.run(event);
    return { outcome: "created", message: stored, announcement: announcementOf(event, stored, memberIds) } as const;
  }

  /** Messages are stored together, in one transaction per turn of the event loop, and announced once it commits. */
  const storeMessage = groupCommit(client, writeMessage, (result) => {
    if (result.outcome === "created") announcer.event(result.announcement);
  });

  return {
    async ping() {
      db.get(sql`select 1`);
    },
    async close() {
      client.close();
    },

    async insertUser(user) {
      try {
        db.insert(users).values(user).run();
        return user;
      } catch (error) {
        if (isUniqueViolation(error)) return null;
        throw error;
      }
    },
    async findUserById(id) {
      return hot.userById.get({ id }) ?? null;
    },
    async findUserByUsername(username) {
      return (
        db
          .select()
          .from(users)
          .where(sql`lower(${users.username}) = lower(${username})`)
          .get() ?? null
      );
    },
    async findUsersByIds(ids) {
      if (ids.length === 0) return [];
      return db.select(publicUserColumns()).from(users).where(inArray(users.id, ids)).all();
    },
    async findUsersByUsernames(usernames) {
      if (usernames.length === 0) return [];
      const lowered = usernames.map((name) => name.toLowerCase());
      return db
        .select(publicUserColumns())
        .from(users)
        .where(inArray(sql`lower(${users.username})`, lowered))
        .all();
    },
    async listUsersExcept(userId) {
      return db
        .select(publicUserColumns())
        .from(users)
        .where(ne(users.id, userId))
        .orderBy(asc(sql`lower(${users.username})`))
        .all();
    },

    async insertGroup(conversation, memberIds) {
      db.transaction((tx) => {
        tx.insert(conversations).values(conversation).run();
        tx.insert(conversationMembers)
          .values(memberIds.map((userId) => ({ conversationId: conversation.id, userId })))
          .run();
      });
    },
    async findOrInsertDirect(conversation, memberIds) {
      return db.transaction(
        (tx) => {
          const existing = tx
            .select({ id: conversations.id })
            .from(conversations)
            .where(eq(conversations.directKey, conversation.directKey ?? ""))
            .get();
          if (existing) return { id: existing.id, created: false };
          tx.insert(conversations).values(conversation).run();
          tx.insert(conversationMembers)
            .values(memberIds.map((userId) => ({ conversationId: conversation.id, userId })))
            .run();
          return { id: conversation.id, created: true };
        },
        { behavior: "immediate" },
      );
    },
    async findConversation(id) {
      const row = db.select().from(conversations).where(eq(conversations.id, id)).get();
      if (!row) return null;
      const { directKey: _directKey, ...conversation } = row;
      return { ...conversation, members: membersOf([id]).get(id) ?? [] };
    },
    async listConversationsOf(userId) {
      // A message by someone else after the reader's marker, not deleted: what counts as unread.
      const unreadByOthers = sql`${unread.conversationId} = ${conversations.id} and ${unread.seq} > ${conversationMembers.lastReadSeq} and ${unread.senderId} <> ${userId} and not ${unread.deleted}`;
      const rows = db
        .select({
          conversation: conversations,
          lastMessage: messages,
          lastReadSeq: conversationMembers.lastReadSeq,
          unreadCount: sql<number>`(select count(*) from ${messages} as ${sql.identifier("unread")} where ${unreadByOthers})`.mapWith(Number),
          unreadMentions: sql<number>`(select count(*) from ${messages} as ${sql.identifier("unread")} where ${unreadByOthers} and exists (select 1 from json_each(${unread.mentions}) where value = ${userId}))`.mapWith(Number),
        })
        .from(conversationMembers)
        .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
        .leftJoin(messages, and(eq(messages.conversationId, conversations.id), eq(messages.seq, latestMessageSeq)))
        .where(eq(conversationMembers.userId, userId))
        .orderBy(desc(sql`coalesce(${messages.createdAt}, ${conversations.createdAt})`))
        .all();
      const members = membersOf(rows.map((row) => row.conversation.id));
      return rows.map(({ conversation: { directKey: _directKey, ...conversation }, ...summary }): ConversationSummary => ({
        ...conversation,
        ...summary,
        members: members.get(conversation.id) ?? [],
      }));
    },
    async markRead(conversationId, userId, seq) {
      const member = and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId));
      const target = sql`min(${seq}, (select ${conversations.lastSeq} from ${conversations} where ${conversations.id} = ${conversationId}))`;
      const [moved] = db
        .update(conversationMembers)
        .set({ lastReadSeq: target })
        .where(and(member, lt(conversationMembers.lastReadSeq, target)))
        .returning({ lastReadSeq: conversationMembers.lastReadSeq }).all();
      if (moved) return { lastReadSeq: moved.lastReadSeq, changed: true };
      const [current] = db.select({ lastReadSeq: conversationMembers.lastReadSeq }).from(conversationMembers).where(member).all();
      return current ? { lastReadSeq: current.lastReadSeq, changed: false } : null;
    },
    async isMember(conversationId, userId) {
      return hot.member.get({ conversationId, userId }) !== undefined;
    },
    async memberIdsOf(conversationId) {
      return memberIdsOf(conversationId);
    },
    async readMarkersOf(conversationId) {
      return db
        .select({ userId: conversationMembers.userId, lastReadSeq: conversationMembers.lastReadSeq })
        .from(conversationMembers)
        .where(eq(conversationMembers.conversationId, conversationId))
        .all();
    },

    async insertMessage(message) {
      const result = await storeMessage(message);
      return result.outcome === "created" ? { outcome: "created", message: result.message } : result;
    },
    async changeConversation(conversationId, actorId, change, now) {
      const result = db.transaction(
        (tx) => {
          const conversation = tx.select().from(conversations).where(eq(conversations.id, conversationId)).get();
          if (!conversation) return { outcome: "no_conversation" } as const;
          const before = memberIdsOf(conversationId);
          if (!before.includes(actorId)) return { outcome: "not_member" } as const;
          const userIds = changedUserIds(change, conversation.title, before);
          if (!userIds) return { outcome: "unchanged" } as const;
          if (change.kind === "renamed") tx.update(conversations).set({ title: change.title }).where(eq(conversations.id, conversationId)).run();
          if (change.kind === "members_added") tx.insert(conversationMembers).values(userIds.map((userId) => ({ conversationId, userId }))).run();
          if (change.kind === "member_removed") tx.delete(conversationMembers).where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, change.userId))).run();
          const counter = tx
            .update(conversations)
            .set({ lastSeq: sql`${conversations.lastSeq} + 1` })
            .where(eq(conversations.id, conversationId))
            .returning()
            .get();
          if (!counter) throw new Error(`conversation ${conversationId} vanished mid-change`);
          const members = tx
            .select({ id: users.id, username: users.username, fullName: users.fullName })
            .from(conversationMembers)
            .innerJoin(users, eq(users.id, conversationMembers.userId))
            .where(eq(conversationMembers.conversationId, conversationId))
            .orderBy(asc(users.username))
            .all();
          const event = conversationChangeEvent(counter, members, change, actorId, userIds, counter.lastSeq, now);
          tx.insert(conversationEvents).values(event).run();
          return { outcome: "changed", event, memberIds: members.map((member) => member.id) } as const;
        },
        { behavior: "immediate" },
      );
      if (result.outcome !== "changed") return result;
      announcer.event({ event: storedEvent({ event: result.event, message: null }), memberIds: result.memberIds });
      return { outcome: "changed", seq: result.event.seq, conversation: changeDataOf(result.event).conversation };
    },
    async findMessage(id) {
      return hot.messageById.get({ id }) ?? null;
    },
    async updateMessage(id, change) {
      const result = db.transaction(
        (tx) => {
          const current = hot.messageById.get({ id });
          if (!current) return { outcome: "not_found" } as const;
          const next = change(current);
          if (!next) return { outcome: "unchanged", message: current } as const;
          const seq = nextSeq(current.conversationId);
          if (seq === undefined) throw new Error(`message ${id} has no conversation`);
          const stored: MessageRecord = { ...current, ...changedColumns(next) };
          tx.update(messages).set(changedColumns(stored)).where(eq(messages.id, id)).run();
          if (stored.attachments === null) tx.update(uploads).set({ messageId: null, conversationId: null }).where(eq(uploads.messageId, id)).run();
          const event = messageEventRow(stored, seq, "message_updated", new Date().toISOString());
          hot.insertEvent.run(event);
          return { outcome: "updated", message: stored, announcement: announcementOf(event, stored) } as const;
        },
        { behavior: "immediate" },
      );
      if (result.outcome !== "updated") return result;
      announcer.event(result.announcement);
      return { outcome: "updated", message: result.message };
    },
    async searchMessages({ userId, terms, conversationId, before, limit }) {
      // Each term is letters and digits only, so quoting it leaves nothing for FTS5 to parse.
      const match = terms.map((term) => `"${term}"*`).join(" ");
      const conditions = [
        sql`${messages}.rowid in (select rowid from messages_fts where messages_fts match ${match})`,
        eq(messages.deleted, false),
      ];
      if (conversationId !== undefined) conditions.push(eq(messages.conversationId, conversationId));
      if (before) conditions.push(sql`(${messages.createdAt}, ${messages.id}) < (${before.createdAt}, ${before.id})`);
      return db
        .select(messageColumns)
        .from(messages)
        .innerJoin(
          conversationMembers,
          and(eq(conversationMembers.conversationId, messages.conversationId), eq(conversationMembers.userId, userId)),
        )
        .where(and(...conditions))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(limit)
        .all();
    },
    async listMessages(conversationId, { limit, before, after }) {
      // Paging forward from a cursor reads oldest first; otherwise the newest page is wanted.
      const newestFirst = after === undefined;
      const rows = hot.messagePage(before !== undefined, after !== undefined).all({ conversationId, before, after, limit });
      return newestFirst ? rows.reverse() : rows;
    },
    async listEvents(conversationId, after, limit) {
      return hot.eventsAfter.all({ conversationId, after, limit }).map(storedEvent);
    },
    async listGroupChanges(conversationId, after, before) {
      const conditions = [eq(conversationEvents.conversationId, conversationId), eq(conversationEvents.type, "conversation_updated"), gt(conversationEvents.seq, after)];
      if (before !== undefined) conditions.push(lt(conversationEvents.seq, before));
      return db
        .select()
        .from(conversationEvents)
        .where(and(...conditions))
        .orderBy(asc(conversationEvents.seq))
        .all()
        .map((event) => storedEvent({ event, message: null }));
    },
    async insertUpload(upload) {
      db.insert(uploads).values(upload).run();
    },
    async findUpload(id) {
      return db.select().from(uploads).where(eq(uploads.id, id)).get() ?? null;
    },
    async deleteUnattachedUploads(before, limit) {
      return db.transaction((tx) => {
        const stale = tx.select({ id: uploads.id }).from(uploads).where(and(isNull(uploads.messageId), lt(uploads.createdAt, before))).limit(limit).all();
        if (stale.length === 0) return [];
        return tx.delete(uploads).where(inArray(uploads.id, stale.map((row) => row.id))).returning().all();
      });
    },
    async broadcast(signal) {
      announcer.signal(signal);
    },
    async touchInstance(instanceId, now) {
      db.insert(instances).values({ id: instanceId, seenAt: now }).onConflictDoUpdate({ target: instances.id, set: { seenAt: now } }).run();
    },
    async addPresence(instanceId, userId, now) {
      return db.transaction(
        (tx) => {
        tx.insert(instances).values({ id: instanceId, seenAt: now }).onConflictDoUpdate({ target: instances.id, set: { seenAt: now } }).run();
        const elsewhere = onlineElsewhere(tx, instanceId, userId, now);
        tx.insert(presence).values({ instanceId, userId }).onConflictDoNothing().run();
        tx.update(users).set({ lastSeenAt: now }).where(eq(users.id, userId)).run();
        return { wasOnline: elsewhere };
      },
        { behavior: "immediate" },
      );
    },
    async removePresence(instanceId, userId, now) {
      return db.transaction(
        (tx) => {
        tx.delete(presence).where(and(eq(presence.instanceId, instanceId), eq(presence.userId, userId))).run();
        tx.update(users).set({ lastSeenAt: now }).where(eq(users.id, userId)).run();
        return { stillOnline: onlineElsewhere(tx, instanceId, userId, now) };
      },
        { behavior: "immediate" },
      );
    },
    async removeInstances(cutoff, instanceId, now) {
      return db.transaction(
        (tx) => {
        const gone = or(lte(instances.seenAt, cutoff), instanceId === null ? undefined : eq(instances.id, instanceId));
        const goneIds = (tx.select({ id: instances.id }).from(instances).where(gone).all()).map((row) => row.id);
        if (goneIds.length === 0) return [];
        const left = (tx.delete(presence).where(inArray(presence.instanceId, goneIds)).returning({ userId: presence.userId }).all()).map((row) => row.userId);
        tx.delete(instances).where(inArray(instances.id, goneIds)).run();
        const offline: string[] = [];
        for (const userId of new Set(left)) {
          if (onlineElsewhere(tx, null, userId, now)) continue;
          tx.update(users).set({ lastSeenAt: now }).where(eq(users.id, userId)).run();
          offline.push(userId);
        }
        return offline;
      },
        { behavior: "immediate" },
      );
    },
    async peerIdsOf(userId) {
      const rows = db
        .selectDistinct({ userId: peers.userId })
        .from(conversationMembers)
        .innerJoin(peers, eq(peers.conversationId, conversationMembers.conversationId))
        .where(and(eq(conversationMembers.userId, userId), ne(peers.userId, userId))).all();
      return rows.map((row) => row.userId);
    },
  };
}
