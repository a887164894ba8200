/**
 * Full-text search benchmark: seeds MESSAGES messages (1 M by default) of Zipf-distributed
 * words into 5 000 conversations of 4 members, then times GET /search's query (the
 * repository's searchMessages: full-text match, membership, newest first) for random members
 * and words, on SQLite and on a throw-away PostgreSQL cluster. Target: p95 ≤ 50 ms.
 *
 * Rows are bulk-inserted with SQL (a prepared statement in large transactions on SQLite, COPY
 * on PostgreSQL), through the same migrations and triggers the application uses. Talks only
 * to 127.0.0.1; everything it creates is removed at the end.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

import { searchTerms } from "../lib/chat/search";
import type { PostgresTarget } from "../lib/config";
import { connectPostgres, migratePostgres } from "../lib/db/pg/connection";
import { createPostgresRepository } from "../lib/db/pg/repository";
import type { ChatRepository } from "../lib/db/repository";
import { createSqliteRepository } from "../lib/db/sqlite/repository";
import { createDatabase, startPostgresCluster } from "../tests/support/postgres";

const MESSAGES = Number(process.env.SEARCH_BENCH_MESSAGES ?? 1_000_000);
const QUERIES = Number(process.env.SEARCH_BENCH_QUERIES ?? 300);
const USERS = 500;
const CONVERSATIONS = 5_000;
const MEMBERS_PER_CONVERSATION = 4;
const VOCABULARY = 20_000;
const WORDS_PER_MESSAGE = 10;
/** Searches are for words people look up, not the commonest hundred ("the", "and", …). */
const QUERY_RANKS = [100, VOCABULARY] as const;
const PAGE = 20;
const BATCH = 20_000;
const STARTED_AT = Date.parse("2025-01-01T00:00:00Z");

/** A seeded generator, so both databases get the same data and the same queries. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Dataset {
  users: string[];
  conversations: { id: string; members: string[] }[];
  vocabulary: string[];
  /** Cumulative Zipf weights of the vocabulary, for sampling by rank. */
  cumulative: Float64Array;
}

function dataset(): Dataset {
  const random = mulberry32(13);
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const vocabulary = new Set<string>();
  while (vocabulary.size < VOCABULARY) {
    const length = 4 + Math.floor(random() * 6);
    vocabulary.add(Array.from({ length }, () => letters[Math.floor(random() * letters.length)]).join(""));
  }
  const cumulative = new Float64Array(VOCABULARY);
  let total = 0;
  for (let rank = 0; rank < VOCABULARY; rank++) cumulative[rank] = total += 1 / (rank + 1);
  for (let rank = 0; rank < VOCABULARY; rank++) cumulative[rank]! /= total;
  const users = Array.from({ length: USERS }, () => randomUUID());
  const conversations = Array.from({ length: CONVERSATIONS }, () => {
    const members = new Set<string>();
    while (members.size < MEMBERS_PER_CONVERSATION) members.add(users[Math.floor(random() * USERS)]!);
    return { id: randomUUID(), members: [...members] };
  });
  return { users, conversations, vocabulary: [...vocabulary], cumulative };
}

function zipfWord(data: Dataset, random: () => number): string {
  const target = random();
  let low = 0;
  let high = VOCABULARY - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (data.cumulative[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return data.vocabulary[low]!;
}

interface MessageRow {
  id: string;
  messageId: string;
  senderId: string;
  conversationId: string;
  content: string;
  seq: number;
  createdAt: string;
}

/** The messages in batches, oldest first, the same on every call. */
function* messageBatches(data: Dataset): Generator<MessageRow[]> {
  const random = mulberry32(42);
  const seqs = new Map<string, number>();
  const spacingMs = (365 * 24 * 3600 * 1000) / MESSAGES;
  let batch: MessageRow[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const conversation = data.conversations[Math.floor(random() * CONVERSATIONS)]!;
    const seq = (seqs.get(conversation.id) ?? 0) + 1;
    seqs.set(conversation.id, seq);
    batch.push({
      id: randomUUID(),
      messageId: `bench-${i}`,
      senderId: conversation.members[Math.floor(random() * MEMBERS_PER_CONVERSATION)]!,
      conversationId: conversation.id,
      content: Array.from({ length: WORDS_PER_MESSAGE }, () => zipfWord(data, random)).join(" "),
      seq,
      createdAt: new Date(STARTED_AT + i * spacingMs).toISOString(),
    });
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

interface Query {
  userId: string;
  q: string;
}

function queries(data: Dataset): Query[] {
  const random = mulberry32(7);
  const word = () => data.vocabulary[QUERY_RANKS[0] + Math.floor(random() * (QUERY_RANKS[1] - QUERY_RANKS[0]))]!;
  return Array.from({ length: QUERIES }, (_, i) => ({
    userId: data.users[Math.floor(random() * USERS)]!,
    // One query in four has two words; one in four looks for the start of a word.
    q: i % 4 === 0 ? `${word()} ${word()}` : i % 4 === 1 ? word().slice(0, 4) : word(),
  }));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(name: string, repository: ChatRepository, data: Dataset, seededSeconds: number): Promise<void> {
  const all = queries(data);
  for (const query of all.slice(0, 20)) await repository.searchMessages({ userId: query.userId, terms: searchTerms(query.q), limit: PAGE });
  const latencies: number[] = [];
  let found = 0;
  for (const query of all) {
    const started = performance.now();
    found += (await repository.searchMessages({ userId: query.userId, terms: searchTerms(query.q), limit: PAGE })).length;
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `search ${name}: ${MESSAGES} messages (seeded in ${seededSeconds.toFixed(0)} s), ${all.length} queries, ` +
      `${(found / all.length).toFixed(1)} results each: p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
      `p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
  );
}

async function benchSqlite(data: Dataset): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "pneumatic-search-bench-"));
  const client = new Database(path.join(dir, "bench.db"));
  try {
    client.pragma("journal_mode = WAL");
    client.pragma("synchronous = OFF");
    migrate(drizzle(client), { migrationsFolder: path.resolve("drizzle/sqlite") });
    const started = performance.now();
    const now = new Date().toISOString();
    const insertUser = client.prepare("insert into users (id, username, password_hash, created_at) values (?, ?, 'x', ?)");
    const insertConversation = client.prepare("insert into conversations (id, title, is_group, created_at) values (?, '', 1, ?)");
    const insertMember = client.prepare("insert into conversation_members (conversation_id, user_id) values (?, ?)");
    const insertMessage = client.prepare(
      "insert into messages (id, message_id, sender_id, conversation_id, content, seq, created_at) values (?, ?, ?, ?, ?, ?, ?)",
    );
    client.transaction(() => {
      data.users.forEach((id, i) => insertUser.run(id, `user${i}`, now));
      for (const conversation of data.conversations) {
        insertConversation.run(conversation.id, now);
        for (const member of conversation.members) insertMember.run(conversation.id, member);
      }
    })();
    const insertBatch = client.transaction((rows: MessageRow[]) => {
      for (const row of rows) insertMessage.run(row.id, row.messageId, row.senderId, row.conversationId, row.content, row.seq, row.createdAt);
    });
    for (const batch of messageBatches(data)) insertBatch(batch);
    client.exec("analyze");
    await measure("sqlite", createSqliteRepository(client, { event: () => undefined, signal: () => undefined }), data, (performance.now() - started) / 1000);
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function tsv(values: (string | number)[]): string {
  return `${values.map((value) => String(value).replace(/[\\\t\n]/g, " ")).join("\t")}\n`;
}

async function benchPostgres(data: Dataset): Promise<void> {
  const cluster = await startPostgresCluster();
  try {
    const target: PostgresTarget = { dialect: "postgres", url: await createDatabase(cluster.adminUrl), poolMax: 2, statementTimeoutMs: 0, connectTimeoutMs: 10_000 };
    await migratePostgres(target, path.resolve("drizzle/pg"));
    const sql = connectPostgres(target);
    try {
      const started = performance.now();
      const now = new Date().toISOString();
      await sql`insert into users ${sql(data.users.map((id, i) => ({ id, username: `user${i}`, password_hash: "x", created_at: now })))}`;
      for (let i = 0; i < CONVERSATIONS; i += 1000) {
        const slice = data.conversations.slice(i, i + 1000);
        await sql`insert into conversations ${sql(slice.map(({ id }) => ({ id, title: "", is_group: true, created_at: now })))}`;
        await sql`insert into conversation_members ${sql(slice.flatMap(({ id, members }) => members.map((user_id) => ({ conversation_id: id, user_id }))))}`;
      }
      const copy = await sql`copy messages (id, message_id, sender_id, conversation_id, content, seq, created_at) from stdin`.writable();
      await pipeline(
        Readable.from(
          (function* () {
            for (const batch of messageBatches(data)) {
              yield batch.map((row) => tsv([row.id, row.messageId, row.senderId, row.conversationId, row.content, row.seq, row.createdAt])).join("");
            }
          })(),
        ),
        copy,
      );
      await sql`analyze`;
      await measure("postgres", createPostgresRepository(sql), data, (performance.now() - started) / 1000);
    } finally {
      await sql.end({ timeout: 5 });
    }
  } finally {
    cluster.destroy();
  }
}

const data = dataset();
await benchSqlite(data);
await benchPostgres(data);
