import { and, asc, desc, eq, fillPlaceholders, getTableColumns, gt, gte, inArray, isNull, lt, lte, ne, or, sql, type Placeholder, type SQL, type SQLWrapper } from "drizzle-orm";
import { alias, PgDialect } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import type { PendingQuery, ReservedSql, Row, Sql } from "postgres";

import { EVENTS_CHANNEL, SIGNALS_CHANNEL, signalPayloads } from "@/lib/db/pg/announcements";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { groupCommit } from "@/lib/db/pg/group-commit";
import { KnownCounters } from "@/lib/db/pg/known-counters";
import { OwnNotices } from "@/lib/db/pg/own-notices";
import * as schema from "@/lib/db/pg/schema";
import {
  attachmentsColumn,
  type Announcement,
  changeDataOf,
  type AttachmentRecord,
  changedColumns,
  changedUserIds,
  conversationChangeEvent,
  liveSince,
  messageEventRow,
  storedEvent,
  type ChatRepository,
  type ConversationSummary,
  type EventRow,
  type InsertMessageResult,
  type MessageRecord,
  type NewMessage,
  type PublicUser,
  type StoredEvent,
} from "@/lib/db/repository";

const { users, conversations, conversationMembers, messages, conversationEvents, instances, presence, sessions, uploads } = schema;

/** Messages again, under another name, for the unread subquery. */
const unread = alias(messages, "unread");
const peers = alias(conversationMembers, "peers");

export interface PostgresRepository extends ChatRepository {
  /**
   * Events of every conversation created at or after `createdAt`, by conversation and seq, for
   * catching up after LISTEN was lost. Events are never removed, so an offset pages safely.
   */
  listEventsSince(createdAt: string, offset: number, limit: number): Promise<StoredEvent[]>;
  /** An event committed through any instance, as this instance's listener heard it. */
  heard(event: StoredEvent): void;
  /** The announcement a NOTIFY payload stands for, when this instance sent it (see OwnNotices). */
  ownAnnouncement(payload: string): Announcement | undefined;
}

type Transaction = Parameters<Parameters<PostgresJsDatabase<typeof schema>["transaction"]>[0]>[0];

/** Whether a live instance other than `instanceId` has the user's connections. */
async function onlineElsewhere(tx: Transaction, instanceId: string | null, userId: string, now: string): Promise<boolean> {
  const [row] = await tx
    .select({ userId: presence.userId })
    .from(presence)
    .innerJoin(instances, eq(instances.id, presence.instanceId))
    .where(and(eq(presence.userId, userId), instanceId === null ? undefined : ne(presence.instanceId, instanceId), gt(instances.seenAt, liveSince(Date.parse(now)))))
    .limit(1);
  return row !== undefined;
}

async function memberIdsIn(tx: Transaction | PostgresJsDatabase<typeof schema>, conversationId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: conversationMembers.userId })
    .from(conversationMembers)
    .where(eq(conversationMembers.conversationId, conversationId));
  return rows.map((row) => row.userId);
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

/**
 * The words of a message as search matches them, stored by the search_words_split_like_sqlite
 * migration (a generated column the Drizzle schema leaves out, so no query reads it by
 * accident): case folded by ICU whatever the locale, diacritics dropped, a final sigma read as
 * σ, split at every character that is not a letter or digit, as SQLite's unicode61
 * (remove_diacritics 2) has them.
 */
const searchWords = sql`${messages}.search_words`;

/** A query's words folded as the stored words are (its terms hold letters and digits only). */
const foldedQuery = (query: string) =>
  sql`regexp_replace(translate(normalize(lower(${query}::text collate "und-x-icu"), NFD), 'ς', 'σ'), '[\\u0300-\\u036f]', '', 'g')`;

/** Takes the conversation's next seq (locking its counter row) and reads its members after the lock, in one round trip. */
async function nextSeqAndMembers(tx: Transaction, conversationId: string): Promise<{ seq: number; memberIds: string[] } | null> {
  const [counters, members] = await Promise.all([
    tx
      .update(conversations)
      .set({ lastSeq: sql`${conversations.lastSeq} + 1` })
      .where(eq(conversations.id, conversationId))
      .returning({ seq: conversations.lastSeq }),
    tx.select({ userId: conversationMembers.userId }).from(conversationMembers).where(eq(conversationMembers.conversationId, conversationId)),
  ]);
  const [counter] = counters;
  return counter ? { seq: counter.seq, memberIds: members.map((row) => row.userId) } : null;
}

/**
 * One statement that stores what `change` writes (one INSERT or UPDATE, if any), the event row,
 * and NOTIFYs the event, so that in the caller's transaction it is heard only if it commits.
 */
function storeAndNotifyShape(change: SQL | null, storeEvent: SQL, payload: SQLWrapper | string): SQL {
  return change
    ? sql`with changed as (${change}), stored_event as (${storeEvent}) select pg_notify(${EVENTS_CHANNEL}, ${payload})`
    : sql`with stored_event as (${storeEvent}) select pg_notify(${EVENTS_CHANNEL}, ${payload})`;
}

async function storeAndNotify(tx: Transaction, change: SQL | null, event: EventRow, payload: string): Promise<void> {
  await tx.execute(storeAndNotifyShape(change, tx.insert(conversationEvents).values(event).getSQL(), payload));
}

/** What a message keeps of an upload, from its row as the driver returns it. */
function attachmentOf(row: Row): AttachmentRecord {
  const dimension = (value: unknown) => (value === null ? null : Number(value));
  return {
    id: String(row.id),
    name: String(row.name),
    size: Number(row.size),
    contentType: String(row.content_type),
    width: dimension(row.width),
    height: dimension(row.height),
    hasThumbnail: Boolean(row.has_thumbnail),
  };
}

const dialect = new PgDialect();

/** A statement as Drizzle renders it: its text, and its parameters, some of them placeholders. */
interface Rendered {
  sql: string;
  params: unknown[];
}

const render = (query: SQL): Rendered => dialect.sqlToQuery(query);
const BEGIN = render(sql`begin`);
const COMMIT = render(sql`commit`);
const ROLLBACK = render(sql`rollback`);

/**
 * Sends the statement at once (on a reserved connection, or the pool's), its placeholders
 * filled from `values`, without waiting for the answer: statements sent one after another on
 * a reserved connection reach PostgreSQL in that order.
 */
function send(connection: Sql, statement: Rendered, values: Record<string, unknown> = {}): PendingQuery<Row[]> {
  const params = fillPlaceholders(statement.params, values) as postgres.ParameterOrJSON<never>[];
  return connection.unsafe<Row[]>(statement.sql, params, { prepare: true }).execute();
}

/** Sends the statement at once, for its rows as arrays of column values. */
function sendForValues(connection: Sql, statement: Rendered, values: Record<string, unknown>) {
  const params = fillPlaceholders(statement.params, values) as postgres.ParameterOrJSON<never>[];
  return connection.unsafe<Row[]>(statement.sql, params, { prepare: true }).values().execute();
}

/** Ends the transaction on the connection, keeping the error that ended it rather than one from the rollback. */
async function rollBack(connection: ReservedSql): Promise<void> {
  await send(connection, ROLLBACK).catch(() => undefined);
}

/** A placeholder named `${prefix}${field}` for each column, to insert whole rows through a statement rendered once. */
function placeholders<Columns extends Record<string, unknown>>(columns: Columns, prefix = ""): { [Name in keyof Columns]: Placeholder } {
  return Object.fromEntries(Object.keys(columns).map((name) => [name, sql.placeholder(`${prefix}${name}`)])) as { [Name in keyof Columns]: Placeholder };
}

const EVENT_PREFIX = "event_";

type TableWithColumns = typeof messages | typeof conversationEvents;

/** A session and the sender it must belong to, as one key. */
const senderKey = (sessionId: unknown, userId: unknown) => `${String(sessionId)}\n${String(userId)}`;

/**
 * The values of standingSessionsQuery for some messages: the sessions given to check (see
 * NewMessage), each with its sender, checked at the time of the latest message.
 */
function sendersSessions(batch: NewMessage[]): { sessionIds: string[]; sessionUserIds: string[]; now: string } {
  const pairs = new Map<string, [string, string]>();
  let now = "";
  for (const { senderSessionId, senderId, createdAt } of batch) {
    if (senderSessionId !== null) pairs.set(senderKey(senderSessionId, senderId), [senderSessionId, senderId]);
    if (createdAt > now) now = createdAt;
  }
  return { sessionIds: [...pairs.values()].map(([id]) => id), sessionUserIds: [...pairs.values()].map(([, userId]) => userId), now };
}

/**
 * INSERT of whole rows given as one JSON array parameter `name`, an object per row keyed by
 * field (see the turn's values in `sequence`): one statement text whatever the number of rows.
 * JSON.stringify writes the rows in native code, where the driver escaped an array per column
 * element by element.
 */
function insertFromJson(table: TableWithColumns, name: string, condition?: SQL): SQL {
  const columns = Object.entries(getTableColumns(table));
  const names = sql.join(columns.map(([, column]) => sql.identifier(column.name)), sql`, `);
  const fields = sql.join(columns.map(([field, column]) => sql`${sql.identifier(field)} ${sql.raw(column.getSQLType())}`), sql`, `);
  const values = sql.join(columns.map(([field]) => sql`batch.${sql.identifier(field)}`), sql`, `);
  return sql`insert into ${table} (${names}) select ${values} from json_to_recordset(${sql.placeholder(name)}::json) as batch(${fields})${condition ? sql` where ${condition}` : sql``}`;
}

function hasCode(error: unknown, code: string): boolean {
  // Drizzle wraps the driver's error in `cause`.
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth++) {
    if ("code" in current && current.code === code) return true;
  }
  return false;
}

const isUniqueViolation = (error: unknown) => hasCode(error, "23505");
const isLockNotAvailable = (error: unknown) => hasCode(error, "55P03");

/**
 * The PostgreSQL store: the same units of work as the SQLite one, made atomic with row locks
 * and ON CONFLICT instead of SQLite's single writer. A stored event is announced on
 * EVENTS_CHANNEL inside its transaction, so every instance (this one too) hears of it once,
 * in commit order, which the row lock on the conversation makes the seq order.
 */
export function createPostgresRepository(client: Sql): PostgresRepository {
  const db = drizzle(client, { schema });
  // Read on every authenticated request or message, so built once (see hotStatements on SQLite).
  const userById = db.select().from(users).where(eq(users.id, sql.placeholder("id"))).prepare("user_by_id");
  const member = db
    .select({ userId: conversationMembers.userId })
    .from(conversationMembers)
    .where(and(eq(conversationMembers.conversationId, sql.placeholder("conversationId")), eq(conversationMembers.userId, sql.placeholder("userId"))))
    .prepare("member");
  const messagePages = new Map<string, ReturnType<typeof prepareMessagePage>>();
  function prepareMessagePage(before: boolean, after: boolean) {
    const conditions = [eq(messages.conversationId, sql.placeholder("conversationId"))];
    if (before) conditions.push(lt(messages.seq, sql.placeholder("before")));
    if (after) conditions.push(gt(messages.seq, sql.placeholder("after")));
    return db
      .select()
      .from(messages)
      .where(and(...conditions))
      .orderBy(after ? asc(messages.seq) : desc(messages.seq))
      .limit(sql.placeholder("limit"))
      .prepare(`message_page_${before}_${after}`);
  }
  /** A page of a conversation's messages below `before` and/or above `after`, newest first unless paging up from `after`. */
  function messagePage(before: boolean, after: boolean) {
    const key = `${before}:${after}`;
    let page = messagePages.get(key);
    if (!page) messagePages.set(key, (page = prepareMessagePage(before, after)));
    return page;
  }

  async function membersOf(conversationIds: string[]): Promise<Map<string, PublicUser[]>> {
    const byConversation = new Map<string, PublicUser[]>();
    if (conversationIds.length === 0) return byConversation;
    const rows = await db
      .select({ conversationId: conversationMembers.conversationId, ...publicUserColumns() })
      .from(conversationMembers)
      .innerJoin(users, eq(users.id, conversationMembers.userId))
      .where(inArray(conversationMembers.conversationId, conversationIds))
      .orderBy(asc(users.username));
    for (const { conversationId, ...member } of rows) {
      const list = byConversation.get(conversationId) ?? [];
      list.push(member);
      byConversation.set(conversationId, list);
    }
    return byConversation;
  }

  // About 100,000 member ids: a few MB, enough for the conversations active at once on an
  // instance; the least recently used go first.
  const known = new KnownCounters(100_000);
  // A few seconds of events at full speed, in flight between their statement and the listener: a few MB at most.
  const ownNotices = new OwnNotices(10_000);
  /** The NOTIFY payload that announces a stored event to its members, remembered as this instance's own. */
  const payloadOf = (event: EventRow, message: MessageRecord | null, memberIds: string[]) => ownNotices.payloadOf({ event: storedEvent({ event, message }), memberIds });

  /**
   * The message's transaction in two round trips where Drizzle's takes four: BEGIN goes with the
   * seq and members statements, COMMIT with the statement that stores and announces. The same
   * statements in the same order: the counter row lock serialises writers, so seq follows
   * commit order, and the members are read under it, so a removal that committed first is seen.
   * A message_id the sender already used fails the insert, which rolls the seq back: no gap.
   */
  async function storeMessage(message: NewMessage): Promise<InsertMessageResult> {
    const connection = await client.reserve();
    try {
      return await storeOnConnection(connection, message);
    } finally {
      connection.release();
    }
  }

  // Rendered once: Drizzle rendering them again for every message was a tenth of its CPU.
  const conversationId = sql.placeholder("conversationId");
  const nextSeqStatement = render(db.update(conversations).set({ lastSeq: sql`${conversations.lastSeq} + 1` }).where(eq(conversations.id, conversationId)).returning({ seq: conversations.lastSeq }).getSQL());
  const memberIdsStatement = render(db.select({ userId: conversationMembers.userId }).from(conversationMembers).where(eq(conversationMembers.conversationId, conversationId)).getSQL());
  /**
   * Of the sessions given (`sessionIds`, with the user each must belong to in `sessionUserIds`),
   * the ones that stand at `now`: not revoked, not expired, as lib/auth/sessions reads one.
   * Each store reads them once it holds the counters' locks, so a revocation that committed
   * while it waited for them is seen.
   */
  // Each given session is looked up on its own, by id, in a subquery PostgreSQL cannot turn into
  // a join: joined, the sessions table was read whole and matched against every session given
  // whenever its statistics made it look small (a new database, before autovacuum analyzes it).
  const standingSessionsQuery = sql`select sender.session_id, sender.user_id from unnest(${sql.placeholder("sessionIds")}::text[], ${sql.placeholder("sessionUserIds")}::text[]) as sender(session_id, user_id) where (select ${sessions.userId} from ${sessions} where ${sessions.id} = sender.session_id and ${sessions.revokedAt} is null and ${sessions.expiresAt} > ${sql.placeholder("now")}::timestamptz) = sender.user_id`;
  const standingSessionsStatement = render(standingSessionsQuery);
  /** The keys (senderKey) of the standing sessions among those the messages were sent under; none are read when none were given. */
  async function standingSessionsOf(connection: Sql, batch: NewMessage[]): Promise<Set<string>> {
    const values = sendersSessions(batch);
    if (values.sessionIds.length === 0) return new Set();
    const rows = await sendForValues(connection, standingSessionsStatement, values);
    return new Set(rows.map(([id, userId]) => senderKey(id, userId)));
  }
  /** Whether the message may be stored as far as its session goes: none to check, or one that stands. */
  const sentUnderStanding = (standing: Set<string>) => (message: NewMessage) =>
    message.senderSessionId === null || standing.has(senderKey(message.senderSessionId, message.senderId));
  const storeMessageStatement = render(
    storeAndNotifyShape(
      db.insert(messages).values(placeholders(getTableColumns(messages))).getSQL(),
      db.insert(conversationEvents).values(placeholders(getTableColumns(conversationEvents), EVENT_PREFIX)).getSQL(),
      sql.placeholder("payload"),
    ),
  );

  async function storeOnConnection(connection: ReservedSql, message: NewMessage): Promise<InsertMessageResult> {
    const began = send(connection, BEGIN);
    const counted = sendForValues(connection, nextSeqStatement, { conversationId: message.conversationId });
    const listed = sendForValues(connection, memberIdsStatement, { conversationId: message.conversationId });
    const checked = standingSessionsOf(connection, [message]);
    let committing = false;
    try {
      const [, counters, members, standing] = await Promise.all([began, counted, listed, checked]);
      if (!sentUnderStanding(standing)(message)) {
        await rollBack(connection);
        return { outcome: "signed_out" };
      }
      const seq = counters[0]?.[0];
      if (typeof seq !== "number") {
        await rollBack(connection);
        return { outcome: "no_conversation" };
      }
      if (!members.some(([userId]) => userId === message.senderId)) {
        await rollBack(connection);
        return { outcome: "not_member" };
      }
      const { attachmentIds, senderSessionId: _senderSessionId, ...row } = message;
      const claimable = and(inArray(uploads.id, attachmentIds), eq(uploads.uploaderId, message.senderId), isNull(uploads.messageId));
      const claimed = attachmentIds.length === 0 ? [] : (await send(connection, render(db.select().from(uploads).where(claimable).for("update").getSQL()))).map(attachmentOf);
      if (claimed.length !== attachmentIds.length) {
        await rollBack(connection);
        return { outcome: "invalid_attachments" };
      }
      const stored: MessageRecord = { ...row, attachments: attachmentsColumn(claimed, attachmentIds), seq };
      const memberIds = members.map(([userId]) => String(userId));
      const event = messageEventRow(stored, seq, "message", stored.createdAt);
      const payload = payloadOf(event, stored, memberIds);
      const eventValues = Object.fromEntries(Object.entries(event).map(([name, value]) => [`${EVENT_PREFIX}${name}`, value]));
      const writes = [send(connection, storeMessageStatement, { ...stored, ...eventValues, payload })];
      if (claimed.length > 0) writes.push(send(connection, render(db.update(uploads).set({ messageId: stored.id, conversationId: stored.conversationId }).where(claimable).getSQL())));
      // After a failed statement PostgreSQL answers COMMIT by rolling back: the transaction ends either way.
      committing = true;
      const [failure] = (await Promise.allSettled([...writes, send(connection, COMMIT)])).filter((result) => result.status === "rejected");
      if (failure) throw failure.reason;
      known.learn(message.conversationId, { lastSeq: seq, memberIds });
      return { outcome: "created", message: stored };
    } catch (error) {
      if (!committing) await rollBack(connection);
      throw error;
    }
  }

  // The statements of a turn's transaction: one shape whatever the number of messages, so
  // each is parsed and planned once per connection.
  const conversationIds = sql.placeholder("conversationIds");
  const lockCountersStatement = render(sql`select ${conversations.id}, ${conversations.lastSeq} from ${conversations} where ${conversations.id} = any(${conversationIds}::text[]) order by ${conversations.id} for update`);
  const membersOfStatement = render(sql`select ${conversationMembers.conversationId}, ${conversationMembers.userId} from ${conversationMembers} where ${conversationMembers.conversationId} = any(${conversationIds}::text[])`);
  /** Stores the turn's messages and events, moves the counters and NOTIFYs each event in seq order, where `condition` holds. */
  const storeTurnShape = (condition?: SQL) =>
    sql`counters as (update ${conversations} set ${sql.identifier(conversations.lastSeq.name)} = counter.last_seq from unnest(${sql.placeholder("counterIds")}::text[], ${sql.placeholder("counterSeqs")}::integer[]) as counter(id, last_seq) where ${conversations.id} = counter.id${condition ? sql` and ${condition}` : sql``}), stored as (${insertFromJson(messages, "messageRows", condition)}), stored_events as (${insertFromJson(conversationEvents, "eventRows", condition)}) select pg_notify(${EVENTS_CHANNEL}, notice.payload) from json_array_elements_text(${sql.placeholder("payloads")}::json) with ordinality as notice(payload, n)${condition ? sql` where ${condition}` : sql``} order by notice.n`;
  const storeBatchStatement = render(sql`with ${storeTurnShape()}`);
  /**
   * storeBatchStatement as a transaction of its own, that stores only if every counter is still
   * at its `expectedSeqs` and every session given still stands (standingSessionsQuery): the
   * counters are locked in id order first, as lockCountersStatement locks them. It answers one
   * row per notice when it stored, and none when it did not. A counter another transaction
   * holds fails it at once (NOWAIT) rather than have it wait: the statement reads everything
   * else as of its start, and a session revoked while it waited would not be seen.
   */
  const holds = sql`(select holds from checked)`;
  const storeIfUnmovedStatement = render(
    sql`with locked as (select ${conversations.lastSeq} = counter.expected as unmoved from ${conversations} join unnest(${sql.placeholder("counterIds")}::text[], ${sql.placeholder("expectedSeqs")}::integer[]) as counter(id, expected) on ${conversations.id} = counter.id order by ${conversations.id} for update of ${conversations} nowait), checked as (select count(*) filter (where locked.unmoved) = cardinality(${sql.placeholder("counterIds")}::text[]) and (select count(*) from (${standingSessionsQuery}) as standing) = cardinality(${sql.placeholder("sessionIds")}::text[]) as holds from locked), ${storeTurnShape(holds)}`,
  );

  interface SequencedTurn {
    /** Each message's outcome, in turn order. */
    results: InsertMessageResult[];
    /** The statement values that store the created ones (see storeTurnShape). */
    values: Record<string, unknown> & { counterIds: string[] };
  }

  /**
   * Gives each message of the turn the next seq of its conversation after `lastSeqs` (moved on
   * as they are given), or refuses it: a session that does not stand (`stands` says), an unknown
   * conversation, or a sender not among its members.
   */
  function sequence(
    batch: NewMessage[],
    lastSeqs: Map<string, number>,
    memberIdsOf: Map<string, readonly string[]>,
    stands: (message: NewMessage) => boolean,
  ): SequencedTurn {
    const results: InsertMessageResult[] = [];
    const rows: MessageRecord[] = [];
    const events: EventRow[] = [];
    const payloads: string[] = [];
    for (const newMessage of batch) {
      const { attachmentIds: _attachmentIds, senderSessionId: _senderSessionId, ...row } = newMessage;
      if (!stands(newMessage)) {
        results.push({ outcome: "signed_out" });
        continue;
      }
      const lastSeq = lastSeqs.get(row.conversationId);
      const memberIds = memberIdsOf.get(row.conversationId) ?? [];
      if (lastSeq === undefined) {
        results.push({ outcome: "no_conversation" });
        continue;
      }
      if (!memberIds.includes(row.senderId)) {
        results.push({ outcome: "not_member" });
        continue;
      }
      const seq = lastSeq + 1;
      lastSeqs.set(row.conversationId, seq);
      const message: MessageRecord = { ...row, attachments: null, seq };
      const event = messageEventRow(message, seq, "message", message.createdAt);
      rows.push(message);
      events.push(event);
      payloads.push(payloadOf(event, message, [...memberIds]));
      results.push({ outcome: "created", message });
    }
    const moved = [...new Set(rows.map((row) => row.conversationId))];
    const values = {
      counterIds: moved,
      counterSeqs: moved.map((id) => lastSeqs.get(id)),
      messageRows: JSON.stringify(rows),
      eventRows: JSON.stringify(events),
      payloads: JSON.stringify(payloads),
    };
    return { results, values };
  }

  /**
   * The messages of one turn (see groupCommit), in one round trip when this instance knows
   * their conversations (storeKnown), else in the transaction of two (storeLocked). A
   * message_id repeated in the turn is stored once, and its repeats answered alone after the
   * commit, as retries.
   */
  async function storeTogether(batch: NewMessage[]): Promise<InsertMessageResult[]> {
    const seen = new Set<string>();
    const repeated = batch.map((message) => {
      const key = `${message.senderId}\n${message.messageId}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    });
    const firsts = batch.filter((_, index) => !repeated[index]);
    const ids = [...new Set(firsts.map((message) => message.conversationId))];
    const stored = await known.oneAtATime(ids, async () => (await storeKnown(firsts)) ?? (await storeLocked(firsts)));
    return Promise.all(batch.map((message, index) => (repeated[index] ? insertAlone(message) : stored.shift()!)));
  }

  /**
   * The turn's messages in one statement, from the counters and members this instance knows
   * (see KnownCounters): null, having stored nothing, when that is not enough to store them
   * all: a conversation not known, a sender not among its known members, a counter that moved
   * since (a change of members, or a message through another instance), a counter locked by
   * another transaction, or a session given that no longer stands (storeLocked then tells which
   * message it refuses).
   */
  async function storeKnown(batch: NewMessage[]): Promise<InsertMessageResult[] | null> {
    const lastSeqs = new Map<string, number>();
    const memberIdsOf = new Map<string, readonly string[]>();
    for (const { conversationId } of batch) {
      const state = known.get(conversationId);
      if (!state) return null;
      lastSeqs.set(conversationId, state.lastSeq);
      memberIdsOf.set(conversationId, state.memberIds);
    }
    const expected = new Map(lastSeqs);
    const { results, values } = sequence(batch, lastSeqs, memberIdsOf, () => true);
    if (results.some((result) => result.outcome !== "created")) return null;
    let notices: Row[];
    try {
      notices = await send(client, storeIfUnmovedStatement, { ...values, ...sendersSessions(batch), expectedSeqs: values.counterIds.map((id) => expected.get(id)) });
    } catch (error) {
      known.forget(values.counterIds);
      if (isLockNotAvailable(error)) return null;
      throw error;
    }
    if (notices.length === 0) {
      known.forget(values.counterIds);
      return null;
    }
    for (const id of values.counterIds) known.learn(id, { lastSeq: lastSeqs.get(id)!, memberIds: memberIdsOf.get(id)! });
    return results;
  }

  /**
   * The turn's messages in one transaction of two round trips, as one message's: the counter
   * rows of their conversations are locked (in id order, so that two such transactions never
   * wait on each other in a circle) and their members and the sessions given read after the
   * locks, each message is given the next seq of its conversation or refused, and
   * storeBatchStatement stores the created ones, then COMMIT. What it read under the locks is
   * remembered for storeKnown.
   */
  async function storeLocked(batch: NewMessage[]): Promise<InsertMessageResult[]> {
    const connection = await client.reserve();
    try {
      return await storeLockedOnConnection(connection, batch);
    } finally {
      connection.release();
    }
  }

  async function storeLockedOnConnection(connection: ReservedSql, batch: NewMessage[]): Promise<InsertMessageResult[]> {
    const ids = [...new Set(batch.map((message) => message.conversationId))];
    const began = send(connection, BEGIN);
    const locked = sendForValues(connection, lockCountersStatement, { conversationIds: ids });
    const listed = sendForValues(connection, membersOfStatement, { conversationIds: ids });
    const checked = standingSessionsOf(connection, batch);
    let committing = false;
    try {
      const [, counters, members, standing] = await Promise.all([began, locked, listed, checked]);
      const lastSeqs = new Map(counters.map(([id, lastSeq]) => [String(id), Number(lastSeq)]));
      const memberIdsOf = new Map<string, string[]>();
      for (const [conversation, userId] of members) {
        const list = memberIdsOf.get(String(conversation)) ?? [];
        list.push(String(userId));
        memberIdsOf.set(String(conversation), list);
      }
      const { results, values } = sequence(batch, lastSeqs, memberIdsOf, sentUnderStanding(standing));
      if (values.counterIds.length > 0) {
        // After a failed statement PostgreSQL answers COMMIT by rolling back: the transaction ends either way.
        committing = true;
        const [failure] = (await Promise.allSettled([send(connection, storeBatchStatement, values), send(connection, COMMIT)])).filter((result) => result.status === "rejected");
        if (failure) throw failure.reason;
      } else {
        await rollBack(connection);
      }
      for (const [id, lastSeq] of lastSeqs) known.learn(id, { lastSeq, memberIds: memberIdsOf.get(id) ?? [] });
      return results;
    } catch (error) {
      known.forget(ids);
      if (!committing) await rollBack(connection);
      throw error;
    }
  }

  /** One message in its own transaction; a message_id the sender already used is answered with the stored message. */
  async function insertAlone(message: NewMessage): Promise<InsertMessageResult> {
    try {
      return await storeMessage(message);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The sender already stored this message_id (a retry): it is answered with the stored message.
      const existing = await findStoredMessage(message.senderId, message.messageId);
      if (existing) return { outcome: "existing", message: existing };
      throw error;
    }
  }

  const insertInTurn = groupCommit(insertAlone, storeTogether, isDatabaseUnavailable);

  async function findStoredMessage(senderId: string, messageId: string): Promise<MessageRecord | null> {
    const [row] = await db
      .select()
      .from(messages)
      .where(and(eq(messages.senderId, senderId), eq(messages.messageId, messageId)));
    return row ?? null;
  }

  return {
    ownAnnouncement: (payload) => ownNotices.heard(payload),
    heard(event) {
      // Only a change of the conversation changes its members: after any other event the members known still hold.
      if (event.type !== "conversation_updated") known.advance(event.conversationId, event.seq);
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await client.end({ timeout: 5 });
    },

    async insertUser(user) {
      // The case-insensitive unique index decides when two sign-ups race for one name.
      const [stored] = await db.insert(users).values(user).onConflictDoNothing().returning();
      return stored ?? null;
    },
    async findUserById(id) {
      const [row] = await userById.execute({ id });
      return row ?? null;
    },
    async findUserByUsername(username) {
      const [row] = await db
        .select()
        .from(users)
        .where(sql`lower(${users.username}) = lower(${username})`);
      return row ?? null;
    },
    async findUsersByIds(ids) {
      if (ids.length === 0) return [];
      return db.select(publicUserColumns()).from(users).where(inArray(users.id, ids));
    },
    async findUsersByUsernames(usernames) {
      if (usernames.length === 0) return [];
      const lowered = usernames.map((name) => name.toLowerCase());
      return db
        .select(publicUserColumns())
        .from(users)
        .where(inArray(sql`lower(${users.username})`, lowered));
    },
    async listUsersExcept(userId) {
      return db
        .select(publicUserColumns())
        .from(users)
        .where(ne(users.id, userId))
        .orderBy(asc(sql`lower(${users.username})`));
    },

    async insertGroup(conversation, memberIds) {
      await db.transaction(async (tx) => {
        await tx.insert(conversations).values(conversation);
        await tx
          .insert(conversationMembers)
          .values(memberIds.map((userId) => ({ conversationId: conversation.id, userId })));
      });
    },
    async findOrInsertDirect(conversation, memberIds) {
      return db.transaction(async (tx) => {
        // A concurrent insert of the same pair makes this wait for it, then do nothing.
        const [inserted] = await tx
          .insert(conversations)
          .values(conversation)
          .onConflictDoNothing({ target: conversations.directKey })
          .returning({ id: conversations.id });
        if (inserted) {
          await tx
            .insert(conversationMembers)
            .values(memberIds.map((userId) => ({ conversationId: conversation.id, userId })));
          return { id: inserted.id, created: true };
        }
        const [existing] = await tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(eq(conversations.directKey, conversation.directKey ?? ""));
        if (!existing) throw new Error(`1-on-1 ${conversation.directKey} neither inserted nor found`);
        return { id: existing.id, created: false };
      });
    },
    async findConversation(id) {
      const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
      if (!row) return null;
      const { directKey: _directKey, ...conversation } = row;
      return { ...conversation, members: (await membersOf([id])).get(id) ?? [] };
    },
    async listConversationsOf(userId) {
      // A message by someone else after the reader's marker, not deleted: what counts as unread.
      const unreadByOthers = sql`${unread.conversationId} = ${conversations.id} and ${unread.seq} > ${conversationMembers.lastReadSeq} and ${unread.senderId} <> ${userId} and not ${unread.deleted}`;
      const rows = await db
        .select({
          conversation: conversations,
          lastMessage: messages,
          lastReadSeq: conversationMembers.lastReadSeq,
          unreadCount: sql<number>`(select count(*) from ${messages} as ${sql.identifier("unread")} where ${unreadByOthers})`.mapWith(Number),
          unreadMentions: sql<number>`(select count(*) from ${messages} as ${sql.identifier("unread")} where ${unreadByOthers} and ${unread.mentions} @> jsonb_build_array(${userId}::text))`.mapWith(Number),
        })
        .from(conversationMembers)
        .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
        .leftJoin(messages, and(eq(messages.conversationId, conversations.id), eq(messages.seq, latestMessageSeq)))
        .where(eq(conversationMembers.userId, userId))
        .orderBy(desc(sql`coalesce(${messages.createdAt}, ${conversations.createdAt})`));
      const members = await membersOf(rows.map((row) => row.conversation.id));
      return rows.map(({ conversation: { directKey: _directKey, ...conversation }, ...summary }): ConversationSummary => ({
        ...conversation,
        ...summary,
        members: members.get(conversation.id) ?? [],
      }));
    },
    async markRead(conversationId, userId, seq) {
      const member = and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId));
      const target = sql`least(${seq}, (select ${conversations.lastSeq} from ${conversations} where ${conversations.id} = ${conversationId}))`;
      const [moved] = await db
        .update(conversationMembers)
        .set({ lastReadSeq: target })
        .where(and(member, lt(conversationMembers.lastReadSeq, target)))
        .returning({ lastReadSeq: conversationMembers.lastReadSeq });
      if (moved) return { lastReadSeq: moved.lastReadSeq, changed: true };
      const [current] = await db.select({ lastReadSeq: conversationMembers.lastReadSeq }).from(conversationMembers).where(member);
      return current ? { lastReadSeq: current.lastReadSeq, changed: false } : null;
    },
    async isMember(conversationId, userId) {
      const [row] = await member.execute({ conversationId, userId });
      return row !== undefined;
    },
    async memberIdsOf(conversationId) {
      return memberIdsIn(db, conversationId);
    },
    async readMarkersOf(conversationId) {
      return db
        .select({ userId: conversationMembers.userId, lastReadSeq: conversationMembers.lastReadSeq })
        .from(conversationMembers)
        .where(eq(conversationMembers.conversationId, conversationId));
    },

    async insertMessage(message) {
      // Claiming uploads takes a statement of its own: such a message is stored alone.
      return message.attachmentIds.length > 0 ? insertAlone(message) : insertInTurn(message);
    },
    async changeConversation(conversationId, actorId, change, now) {
      return db.transaction(async (tx) => {
        // The row lock on the conversation serialises changes with each other and with messages.
        const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for("update");
        if (!conversation) return { outcome: "no_conversation" } as const;
        const before = await memberIdsIn(tx, conversationId);
        if (!before.includes(actorId)) return { outcome: "not_member" } as const;
        const userIds = changedUserIds(change, conversation.title, before);
        if (!userIds) return { outcome: "unchanged" } as const;
        if (change.kind === "renamed") await tx.update(conversations).set({ title: change.title }).where(eq(conversations.id, conversationId));
        if (change.kind === "members_added") await tx.insert(conversationMembers).values(userIds.map((userId) => ({ conversationId, userId })));
        if (change.kind === "member_removed") await tx.delete(conversationMembers).where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, change.userId)));
        const [counter] = await tx
          .update(conversations)
          .set({ lastSeq: sql`${conversations.lastSeq} + 1` })
          .where(eq(conversations.id, conversationId))
          .returning();
        if (!counter) throw new Error(`conversation ${conversationId} vanished mid-change`);
        const members = await tx
          .select({ id: users.id, username: users.username, fullName: users.fullName })
          .from(conversationMembers)
          .innerJoin(users, eq(users.id, conversationMembers.userId))
          .where(eq(conversationMembers.conversationId, conversationId))
          .orderBy(asc(users.username));
        const event = conversationChangeEvent(counter, members, change, actorId, userIds, counter.lastSeq, now);
        await storeAndNotify(tx, null, event, payloadOf(event, null, members.map((member) => member.id)));
        return { outcome: "changed", seq: event.seq, conversation: changeDataOf(event).conversation } as const;
      });
    },
    async findMessage(id) {
      const [row] = await db.select().from(messages).where(eq(messages.id, id));
      return row ?? null;
    },
    async updateMessage(id, change) {
      const [located] = await db.select({ conversationId: messages.conversationId }).from(messages).where(eq(messages.id, id));
      if (!located) return { outcome: "not_found" };
      return db.transaction(async (tx) => {
        // The counter row lock comes first: changes of one conversation then take turns, and
        // each reads the message as the change before it left it.
        await tx.execute(sql`select 1 from ${conversations} where ${conversations.id} = ${located.conversationId} for update`);
        const [current] = await tx.select().from(messages).where(eq(messages.id, id));
        if (!current) return { outcome: "not_found" } as const;
        const next = change(current);
        if (!next) return { outcome: "unchanged", message: current } as const;
        const counter = await nextSeqAndMembers(tx, current.conversationId);
        if (!counter) throw new Error(`message ${id} has no conversation`);
        const stored: MessageRecord = { ...current, ...changedColumns(next) };
        const update = tx.update(messages).set(changedColumns(stored)).where(eq(messages.id, id)).getSQL();
        const event = messageEventRow(stored, counter.seq, "message_updated", new Date().toISOString());
        await storeAndNotify(tx, update, event, payloadOf(event, stored, counter.memberIds));
        if (stored.attachments === null) await tx.update(uploads).set({ messageId: null, conversationId: null }).where(eq(uploads.messageId, id));
        return { outcome: "updated", message: stored } as const;
      });
    },
    async searchMessages({ userId, terms, conversationId, before, limit }) {
      // Each term is letters and digits only, so it cannot carry tsquery operators.
      const query = terms.map((term) => `${term}:*`).join(" & ");
      const conditions = [sql`${searchWords} @@ to_tsquery('simple', ${foldedQuery(query)})`, eq(messages.deleted, false)];
      if (conversationId !== undefined) conditions.push(eq(messages.conversationId, conversationId));
      if (before) conditions.push(sql`(${messages.createdAt}, ${messages.id}) < (${before.createdAt}::timestamptz, ${before.id})`);
      return db
        .select(messageColumns)
        .from(messages)
        .innerJoin(
          conversationMembers,
          and(eq(conversationMembers.conversationId, messages.conversationId), eq(conversationMembers.userId, userId)),
        )
        .where(and(...conditions))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(limit);
    },
    async listMessages(conversationId, { limit, before, after }) {
      // Paging forward from a cursor reads oldest first; otherwise the newest page is wanted.
      const newestFirst = after === undefined;
      const rows = await messagePage(before !== undefined, after !== undefined).execute({ conversationId, before, after, limit });
      return newestFirst ? rows.reverse() : rows;
    },
    async listEvents(conversationId, after, limit) {
      const rows = await db
        .select({ event: conversationEvents, message: messages })
        .from(conversationEvents)
        .leftJoin(messages, eq(messages.id, conversationEvents.messageId))
        .where(and(eq(conversationEvents.conversationId, conversationId), gt(conversationEvents.seq, after)))
        .orderBy(asc(conversationEvents.seq))
        .limit(limit);
      return rows.map(storedEvent);
    },
    async listGroupChanges(conversationId, after, before) {
      const conditions = [eq(conversationEvents.conversationId, conversationId), eq(conversationEvents.type, "conversation_updated"), gt(conversationEvents.seq, after)];
      if (before !== undefined) conditions.push(lt(conversationEvents.seq, before));
      const rows = await db.select().from(conversationEvents).where(and(...conditions)).orderBy(asc(conversationEvents.seq));
      return rows.map((event) => storedEvent({ event, message: null }));
    },
    async listEventsSince(createdAt, offset, limit) {
      const rows = await db
        .select({ event: conversationEvents, message: messages })
        .from(conversationEvents)
        .leftJoin(messages, eq(messages.id, conversationEvents.messageId))
        .where(gte(conversationEvents.createdAt, createdAt))
        .orderBy(asc(conversationEvents.conversationId), asc(conversationEvents.seq))
        .offset(offset)
        .limit(limit);
      return rows.map(storedEvent);
    },
    async insertUpload(upload) {
      await db.insert(uploads).values(upload);
    },
    async findUpload(id) {
      const [row] = await db.select().from(uploads).where(eq(uploads.id, id));
      return row ?? null;
    },
    async deleteUnattachedUploads(before, limit) {
      return db.transaction(async (tx) => {
        // Locked and skipped while a message claims them, so a sweep never deletes what is being attached.
        const stale = await tx.select({ id: uploads.id }).from(uploads).where(and(isNull(uploads.messageId), lt(uploads.createdAt, before))).limit(limit).for("update", { skipLocked: true });
        if (stale.length === 0) return [];
        return tx.delete(uploads).where(and(inArray(uploads.id, stale.map((row) => row.id)), isNull(uploads.messageId))).returning();
      });
    },
    async broadcast(signal) {
      for (const payload of signalPayloads(signal)) await db.execute(sql`select pg_notify(${SIGNALS_CHANNEL}, ${payload})`);
    },
    async touchInstance(instanceId, now) {
      await db.insert(instances).values({ id: instanceId, seenAt: now }).onConflictDoUpdate({ target: instances.id, set: { seenAt: now } });
    },
    async addPresence(instanceId, userId, now) {
      return db.transaction(async (tx) => {
        // Presence changes of one user are serialised, so two instances never both miss the last one.
        await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
        await tx.insert(instances).values({ id: instanceId, seenAt: now }).onConflictDoUpdate({ target: instances.id, set: { seenAt: now } });
        const elsewhere = await onlineElsewhere(tx, instanceId, userId, now);
        await tx.insert(presence).values({ instanceId, userId }).onConflictDoNothing();
        await tx.update(users).set({ lastSeenAt: now }).where(eq(users.id, userId));
        return { wasOnline: elsewhere };
      });
    },
    async removePresence(instanceId, userId, now) {
      return db.transaction(async (tx) => {
        // Presence changes of one user are serialised, so two instances never both miss the last one.
        await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
        await tx.delete(presence).where(and(eq(presence.instanceId, instanceId), eq(presence.userId, userId)));
        await tx.update(users).set({ lastSeenAt: now }).where(eq(users.id, userId));
        return { stillOnline: await onlineElsewhere(tx, instanceId, userId, now) };
      });
    },
    async removeInstances(cutoff, instanceId, now) {
      return db.transaction(async (tx) => {
        const gone = or(lte(instances.seenAt, cutoff), instanceId === null ? undefined : eq(instances.id, instanceId));
        const goneIds = (await tx.select({ id: instances.id }).from(instances).where(gone)).map((row) => row.id);
        if (goneIds.length === 0) return [];
        const left = (await tx.delete(presence).where(inArray(presence.instanceId, goneIds)).returning({ userId: presence.userId })).map((row) => row.userId);
        await tx.delete(instances).where(inArray(instances.id, goneIds));
        const offline: string[] = [];
        for (const userId of new Set(left)) {
          if (await onlineElsewhere(tx, null, userId, now)) continue;
          await tx.update(users).set({ lastSeenAt: now }).where(eq(users.id, userId));
          offline.push(userId);
        }
        return offline;
      });
    },
    async peerIdsOf(userId) {
      const rows = await db
        .selectDistinct({ userId: peers.userId })
        .from(conversationMembers)
        .innerJoin(peers, eq(peers.conversationId, conversationMembers.conversationId))
        .where(and(eq(conversationMembers.userId, userId), ne(peers.userId, userId)));
      return rows.map((row) => row.userId);
    },
  };
}
