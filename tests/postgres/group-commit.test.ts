import { randomUUID } from "node:crypto";

import postgres, { type Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { PostgresTarget } from "@/lib/config";
import { connectPostgres, migratePostgres, postgresOptions } from "@/lib/db/pg/connection";
import { listenForEvents, type EventListener } from "@/lib/db/pg/listener";
import { createPostgresRepository, type PostgresRepository } from "@/lib/db/pg/repository";
import { changeDataOf, type Announcement, type InsertMessageResult, type NewMessage } from "@/lib/db/repository";

import { seededRandom } from "../support/interleaving";
import { createDatabase } from "../support/postgres";
import { eventually } from "../support/wait";

/**
 * The messages that reach the PostgreSQL store in one turn of the event loop share one
 * transaction (lib/db/pg/group-commit.ts). Each test starts its messages synchronously, so
 * they are one turn's; the store and its NOTIFY listener run in this process on a real
 * database, with a second store on the same database as another instance.
 */
let client: Sql;
let repository: PostgresRepository;
let otherClient: Sql;
let otherInstance: PostgresRepository;
let listener: EventListener;
const heard: Announcement[] = [];
/** The statements `repository` sent, in order. */
const statements: string[] = [];

beforeAll(async () => {
  const target: PostgresTarget = { dialect: "postgres", url: await createDatabase(inject("postgresAdminUrl")), poolMax: 10, statementTimeoutMs: 0, connectTimeoutMs: 10_000 };
  await migratePostgres(target, "drizzle/pg");
  client = postgres(target.url, postgresOptions(target, { debug: (_connection, query) => statements.push(query) }));
  repository = createPostgresRepository(client);
  otherClient = connectPostgres(target);
  otherInstance = createPostgresRepository(otherClient);
  listener = listenForEvents(target, repository, { event: (announcement) => heard.push(announcement), signal: () => undefined }, () => undefined);
  await listener.ready;
});

afterAll(async () => {
  await listener.stop();
  await Promise.all([repository.close(), otherInstance.close()]);
});

async function user(): Promise<string> {
  const id = randomUUID();
  await repository.insertUser({ id, username: `u${id.slice(0, 8)}`, fullName: null, passwordHash: "x", createdAt: new Date().toISOString(), lastSeenAt: null });
  return id;
}

async function group(memberIds: string[]): Promise<string> {
  const id = randomUUID();
  await repository.insertGroup({ id, title: "g", isGroup: true, directKey: null, lastSeq: 0, createdBy: memberIds[0] ?? null, createdAt: new Date().toISOString() }, memberIds);
  return id;
}

function message(senderId: string, conversationId: string, content = "hello", messageId = randomUUID()): NewMessage {
  return { id: randomUUID(), messageId, senderId, conversationId, content, attachmentIds: [], createdAt: new Date().toISOString(), editedAt: null, deleted: false, reactions: [], mentions: [], replyTo: null, senderSessionId: null };
}

/** A session of the user's, as lib/auth/sessions stores one: standing, revoked, or expired. */
async function session(userId: string, state: "standing" | "revoked" | "expired" = "standing"): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  const expiresAt = new Date(state === "expired" ? now - 1000 : now + 3_600_000).toISOString();
  const revokedAt = state === "revoked" ? new Date(now).toISOString() : null;
  await client`insert into sessions (id, user_id, refresh_jti, created_at, expires_at, revoked_at) values (${id}, ${userId}, null, ${new Date(now).toISOString()}, ${expiresAt}, ${revokedAt})`;
  return id;
}

const revoke = (sessionId: string) => client`update sessions set revoked_at = now() where id = ${sessionId}`;

/**
 * Runs `work` while another transaction holds the conversation's counter row, and lets go of
 * the row once `work` has had the store's statement wait for it, and done what it does meanwhile.
 */
async function whileCounterHeld(conversationId: string, work: (storeWaits: () => Promise<void>) => Promise<void>): Promise<void> {
  const holder = await otherClient.reserve();
  await holder`begin`;
  await holder`select 1 from conversations where id = ${conversationId} for update`;
  const storeWaits = () =>
    eventually(
      async () => (await otherClient<{ waiting: number }[]>`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)[0]!.waiting > 0,
      () => "the store never waited for the counter's lock",
    );
  try {
    await work(storeWaits);
  } finally {
    await holder`commit`;
    holder.release();
  }
}

/**
 * Sends a message of the sender's under a session of theirs, and revokes the session once the
 * store waits for the conversation's counter, which another transaction holds.
 */
async function revokedWhileCounterHeld(senderId: string, conversationId: string): Promise<PromiseSettledResult<InsertMessageResult>[]> {
  const sessionId = await session(senderId);
  let turn: Promise<PromiseSettledResult<InsertMessageResult>[]> | undefined;
  await whileCounterHeld(conversationId, async (storeWaits) => {
    turn = oneTurn([under(sessionId, message(senderId, conversationId))]);
    await storeWaits();
    await revoke(sessionId);
  });
  return turn!;
}

/** The message, sent under the session: the store checks that it stands. */
const under = (sessionId: string, sent: NewMessage): NewMessage => ({ ...sent, senderSessionId: sessionId });

/** Stores the messages in one turn (of `store`, or of the instance `storeOf` picks for each); each settles with its outcome, or with its error. */
function oneTurn(batch: NewMessage[], storeOf: (message: NewMessage) => PostgresRepository = () => repository): Promise<PromiseSettledResult<InsertMessageResult>[]> {
  return Promise.allSettled(batch.map((each) => storeOf(each).insertMessage(each)));
}

/** The statements `repository` sends while `work` runs. */
async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const from = statements.length;
  await work();
  return statements.slice(from);
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const outcomes = (settled: PromiseSettledResult<InsertMessageResult>[]) =>
  settled.map((result) => (result.status === "fulfilled" ? result.value.outcome : "failed"));

const seqOf = (result: PromiseSettledResult<InsertMessageResult> | undefined) =>
  result?.status === "fulfilled" && "message" in result.value ? result.value.message.seq : null;

const storedSeqs = async (conversationId: string) =>
  (await client<{ seq: number }[]>`select seq from conversation_events where conversation_id = ${conversationId} order by seq`).map((row) => row.seq);

const heardIn = (conversationId: string) => heard.filter((announcement) => announcement.event.conversationId === conversationId);

/** Waits until the listener has heard `count` events of the conversation, then gives their seqs in the order heard. */
async function heardSeqs(conversationId: string, count: number): Promise<number[]> {
  await eventually(
    () => heardIn(conversationId).length >= count,
    () => `heard ${heardIn(conversationId).length} of ${count} events of ${conversationId}`,
  );
  return heardIn(conversationId).map((announcement) => announcement.event.seq);
}

describe("group commit of messages on PostgreSQL", () => {
  it("stores one turn's messages in one transaction, each with the next seq of its conversation, and announces them in seq order", async () => {
    const [alice, bob, carol] = await Promise.all([user(), user(), user()]);
    const [ours, carols] = await Promise.all([group([alice, bob]), group([carol])]);
    const settled = await oneTurn([message(alice, ours), message(bob, ours), message(carol, carols), message(alice, ours)]);

    expect(outcomes(settled)).toEqual(["created", "created", "created", "created"]);
    expect(settled.map(seqOf)).toEqual([1, 2, 1, 3]);
    const transactions = await client<{ xmin: string }[]>`select distinct xmin::text from messages where conversation_id in (${ours}, ${carols})`;
    expect(transactions).toHaveLength(1);
    expect(await heardSeqs(ours, 3)).toEqual([1, 2, 3]);
    expect(await heardSeqs(carols, 1)).toEqual([1]);
    expect(heardIn(ours).map((announcement) => [...announcement.memberIds].sort())).toEqual(Array(3).fill([alice, bob].sort()));
  });

  it("stores and announces a turn's messages exactly as sent, whatever characters they hold, in either kind of turn", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await group([alice, bob]);
    const contents = ['say "hi" \\ {a,b} NULL null', "tab\tnew\nline\r\u2028 \u{1F984} e\u0301", '{"json":[1,"two"]}', "'single' and `back` quotes", "\\u0041 is not A"];
    const mentioned = (content: string): NewMessage => ({ ...message(alice, ours, content), mentions: [bob, 'na"me\\'] });
    // The first turn finds the conversation unknown (a transaction), the second known (one statement).
    const firstTurn = await oneTurn(contents.map(mentioned));
    const secondTurn = await oneTurn(contents.map(mentioned));

    expect([...outcomes(firstTurn), ...outcomes(secondTurn)]).toEqual(Array(10).fill("created"));
    const stored = await client<{ content: string; mentions: string[] }[]>`select content, mentions from messages where conversation_id = ${ours} order by seq`;
    expect(stored).toEqual([...contents, ...contents].map((content) => ({ content, mentions: [bob, 'na"me\\'] })));
    await heardSeqs(ours, 10);
    expect(heardIn(ours).map((announcement) => announcement.event.message?.content)).toEqual([...contents, ...contents]);
  });

  it("stores a message_id repeated in one turn once, and answers the repeat with the stored message", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await group([alice, bob]);
    const first = message(alice, ours, "once");
    const settled = await oneTurn([first, { ...message(alice, ours, "once"), messageId: first.messageId }, message(bob, ours)]);

    expect(outcomes(settled)).toEqual(["created", "existing", "created"]);
    const [stored, repeat] = settled.map((result) => (result.status === "fulfilled" && "message" in result.value ? result.value.message : null));
    expect(repeat).toEqual(stored);
    expect(await storedSeqs(ours)).toEqual([1, 2]);
    expect(await heardSeqs(ours, 2)).toEqual([1, 2]);
  });

  it("answers a retry of a message stored in an earlier turn with the stored message, and stores the turn's others", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await group([alice, bob]);
    const first = message(alice, ours, "earlier");
    await oneTurn([first]);
    const settled = await oneTurn([{ ...message(alice, ours, "earlier"), messageId: first.messageId }, message(bob, ours), message(alice, ours)]);

    expect(outcomes(settled)).toEqual(["existing", "created", "created"]);
    expect(settled.map(seqOf)).toEqual([1, 2, 3]);
    expect(await storedSeqs(ours)).toEqual([1, 2, 3]);
    expect(await heardSeqs(ours, 3)).toEqual([1, 2, 3]);
  });

  it("refuses a non-member and an unknown conversation in a turn without taking a seq from the members' messages", async () => {
    const [alice, bob, eve] = await Promise.all([user(), user(), user()]);
    const ours = await group([alice, bob]);
    const settled = await oneTurn([message(alice, ours), message(eve, ours), message(bob, randomUUID()), message(bob, ours)]);

    expect(outcomes(settled)).toEqual(["created", "not_member", "no_conversation", "created"]);
    expect(settled.map(seqOf)).toEqual([1, null, null, 2]);
    expect(await storedSeqs(ours)).toEqual([1, 2]);
    expect(await heardSeqs(ours, 2)).toEqual([1, 2]);
  });

  it("refuses messages sent under a revoked, an expired or another user's session without taking a seq, and stores the turn's others", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await group([alice, bob]);
    const [standing, revoked, expired, bobs] = await Promise.all([session(alice), session(alice, "revoked"), session(alice, "expired"), session(bob)]);
    const settled = await oneTurn([
      under(standing, message(alice, ours)),
      under(revoked, message(alice, ours)),
      under(expired, message(alice, ours)),
      under(bobs, message(alice, ours)),
      message(bob, ours),
    ]);

    expect(outcomes(settled)).toEqual(["created", "signed_out", "signed_out", "signed_out", "created"]);
    expect(settled.map(seqOf)).toEqual([1, null, null, null, 2]);
    expect(await storedSeqs(ours)).toEqual([1, 2]);
    expect(await heardSeqs(ours, 2)).toEqual([1, 2]);
  });

  it("refuses a retry of a stored message_id once the session it is sent under is revoked", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await group([alice, bob]);
    const sessionId = await session(alice);
    const first = under(sessionId, message(alice, ours, "once"));
    expect(outcomes(await oneTurn([first]))).toEqual(["created"]);
    await revoke(sessionId);

    expect(outcomes(await oneTurn([first]))).toEqual(["signed_out"]);
    expect(await storedSeqs(ours)).toEqual([1]);
  });

  it("refuses a message_id repeated in one turn under a revoked session, the repeat too", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await group([alice, bob]);
    const revoked = await session(alice, "revoked");
    const first = under(revoked, message(alice, ours, "once"));
    const settled = await oneTurn([first, { ...first, id: randomUUID() }, message(bob, ours)]);

    expect(outcomes(settled)).toEqual(["signed_out", "signed_out", "created"]);
    expect(await storedSeqs(ours)).toEqual([1]);
  });

  it("refuses a message whose session is revoked while its transaction waits for the conversation's lock", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await group([alice, bob]);

    expect(outcomes(await revokedWhileCounterHeld(alice, ours))).toEqual(["signed_out"]);
    expect(await storedSeqs(ours)).toEqual([]);
  });

  it("fails a message that cannot be stored alone: the others of its turn are stored", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await group([alice, bob]);
    // PostgreSQL text cannot hold a NUL character: the statement storing the turn fails on it.
    const settled = await oneTurn([message(alice, ours, "before"), message(bob, ours, "nul \u0000 inside"), message(bob, ours, "after")]);

    expect(outcomes(settled)).toEqual(["created", "failed", "created"]);
    expect(settled.map(seqOf)).toEqual([1, null, 2]);
    expect(await storedSeqs(ours)).toEqual([1, 2]);
    expect(await heardSeqs(ours, 2)).toEqual([1, 2]);
    expect(heardIn(ours).map((announcement) => announcement.event.message?.content)).toEqual(["before", "after"]);
  });

  for (const seed of [21, 22, 23]) {
    it(`keeps seq contiguous, membership and message_ids honoured under the random turns of two instances, seed ${seed}`, async () => {
      const random = seededRandom(seed);
      const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
      const instances = [repository, otherInstance];
      const users = await Promise.all(Array.from({ length: 5 }, () => user()));
      const conversations = await Promise.all([group(users.slice(0, 3)), group(users.slice(1, 5)), group([users[0]!, users[4]!])]);
      const sent: NewMessage[] = [];
      const created = new Map<string, string>();

      for (let turn = 0; turn < 25; turn++) {
        const batch = Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
          const earlier = sent.length > 0 && random() < 0.15 ? pick(sent) : null;
          // A retry carries what the first attempt did; now and then a message cannot be stored.
          if (earlier) return { ...earlier, id: randomUUID() };
          return message(pick(users), pick(conversations), random() < 0.05 ? "bad \u0000" : `turn ${turn}`);
        });
        // A member removed or added back in the same turn as the messages: each message sees the change or not.
        const owner = users[1]!;
        const change = random() < 0.4 ? pick(instances).changeConversation(conversations[1]!, owner, random() < 0.5 ? { kind: "member_removed", userId: pick(users.slice(2, 5)) } : { kind: "members_added", userIds: users.slice(2, 5) }, new Date().toISOString()) : null;
        // Each message through either instance: each instance's turn is stored from what it knows, or refused and stored under the locks.
        const settled = await oneTurn(batch, () => pick(instances));
        await change;
        const answers = settled.map((result, index) => ({ result, key: `${batch[index]!.senderId}:${batch[index]!.messageId}`, content: batch[index]!.content }));
        for (const { result, key, content } of answers) {
          if (result.status === "rejected") expect(content).toContain("\u0000");
          else if (result.value.outcome === "created") {
            expect(created.has(key), `${key} stored twice`).toBe(false);
            created.set(key, result.value.message.id);
          }
        }
        // Checked after the turn's creations: a repeat in a turn that fell back to one transaction each may win.
        for (const { result, key } of answers) {
          if (result.status === "fulfilled" && result.value.outcome === "existing") expect(result.value.message.id).toBe(created.get(key));
        }
        sent.push(...batch.filter((attempt) => !attempt.content.includes("\u0000")));
      }

      for (const conversationId of conversations) {
        const [counter] = await client<{ lastSeq: number }[]>`select last_seq as "lastSeq" from conversations where id = ${conversationId}`;
        const lastSeq = counter!.lastSeq;
        const seqs = Array.from({ length: lastSeq }, (_, index) => index + 1);
        expect(await storedSeqs(conversationId)).toEqual(seqs);
        expect(await heardSeqs(conversationId, lastSeq)).toEqual(seqs);
        // Every message's sender was a member as of the events before it.
        let members = new Set(conversationId === conversations[0] ? users.slice(0, 3) : conversationId === conversations[1] ? users.slice(1, 5) : [users[0]!, users[4]!]);
        for (const { event } of heardIn(conversationId)) {
          if (event.type === "conversation_updated") members = new Set(changeDataOf(event).conversation.member_ids);
          if (event.message) expect(members.has(event.message.senderId), `seq ${event.seq} from a non-member`).toBe(true);
        }
      }
      const storedIds = await client<{ id: string }[]>`select id from messages where conversation_id in ${client(conversations)}`;
      expect(new Set(storedIds.map((row) => row.id))).toEqual(new Set(created.values()));
    }, 60_000);
  }
});

describe("a turn of conversations the instance knows (lib/db/pg/known-counters.ts)", () => {
  /** A conversation of the users whose counter and members `repository` has learnt by storing a first message. */
  async function knownGroup(memberIds: string[]): Promise<string> {
    const conversationId = await group(memberIds);
    expect(outcomes(await oneTurn([message(memberIds[0]!, conversationId)]))).toEqual(["created"]);
    return conversationId;
  }

  const isBegin = (statement: string) => statement.trim().toLowerCase() === "begin";

  /** How many transactions stored the conversation's messages after seq `after`. */
  const transactionsAfter = async (conversationId: string, after: number) =>
    (await client<{ xmin: string }[]>`select distinct xmin::text from messages where conversation_id = ${conversationId} and seq > ${after}`).length;

  it("stores the turn in one statement of its own, without a transaction of several", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await knownGroup([alice, bob]);
    let settled: PromiseSettledResult<InsertMessageResult>[] = [];
    const sent = await statementsDuring(async () => (settled = await oneTurn([message(alice, ours), message(bob, ours)])));

    expect(settled.map(seqOf)).toEqual([2, 3]);
    expect(sent).toHaveLength(1);
    expect(await storedSeqs(ours)).toEqual([1, 2, 3]);
    expect(await heardSeqs(ours, 3)).toEqual([1, 2, 3]);
  });

  it("stores a turn sent under sessions that stand in one statement of its own", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await knownGroup([alice, bob]);
    const [alices, bobs] = await Promise.all([session(alice), session(bob)]);
    let settled: PromiseSettledResult<InsertMessageResult>[] = [];
    const sent = await statementsDuring(async () => (settled = await oneTurn([under(alices, message(alice, ours)), under(bobs, message(bob, ours))])));

    expect(settled.map(seqOf)).toEqual([2, 3]);
    expect(sent).toHaveLength(1);
  });

  it("refuses a message whose session was revoked since its conversation was known, and stores the turn's others", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await knownGroup([alice, bob]);
    const [alices, bobs] = await Promise.all([session(alice), session(bob)]);
    await revoke(bobs);
    const settled = await oneTurn([under(bobs, message(bob, ours)), under(alices, message(alice, ours))]);

    expect(outcomes(settled)).toEqual(["signed_out", "created"]);
    expect(settled.map(seqOf)).toEqual([null, 2]);
    expect(await storedSeqs(ours)).toEqual([1, 2]);
    expect(await heardSeqs(ours, 2)).toEqual([1, 2]);
  });

  it("refuses a message whose session is revoked while another transaction holds its conversation's counter", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await knownGroup([alice, bob]);

    expect(outcomes(await revokedWhileCounterHeld(alice, ours))).toEqual(["signed_out"]);
    expect(await storedSeqs(ours)).toEqual([1]);
  });

  it("refuses a member removed through another instance since, and announces to the members left", async () => {
    const [alice, bob, carol] = await Promise.all([user(), user(), user()]);
    const ours = await knownGroup([alice, bob, carol]);
    expect((await otherInstance.changeConversation(ours, alice, { kind: "member_removed", userId: carol }, new Date().toISOString())).outcome).toBe("changed");
    const settled = await oneTurn([message(carol, ours), message(bob, ours), message(alice, ours)]);

    expect(outcomes(settled)).toEqual(["not_member", "created", "created"]);
    expect(settled.map(seqOf)).toEqual([null, 3, 4]);
    expect(await transactionsAfter(ours, 2)).toBe(1);
    expect(await heardSeqs(ours, 4)).toEqual([1, 2, 3, 4]);
    expect(heardIn(ours).slice(2).map((announcement) => [...announcement.memberIds].sort())).toEqual(Array(2).fill([alice, bob].sort()));
  });

  it("announces to a member added through another instance since", async () => {
    const [alice, bob, dave] = await Promise.all([user(), user(), user()]);
    const ours = await knownGroup([alice, bob]);
    expect((await otherInstance.changeConversation(ours, alice, { kind: "members_added", userIds: [dave] }, new Date().toISOString())).outcome).toBe("changed");
    const settled = await oneTurn([message(dave, ours), message(bob, ours)]);

    expect(settled.map(seqOf)).toEqual([3, 4]);
    expect(await transactionsAfter(ours, 2)).toBe(1);
    expect(await heardSeqs(ours, 4)).toEqual([1, 2, 3, 4]);
    expect(heardIn(ours).slice(2).map((announcement) => [...announcement.memberIds].sort())).toEqual(Array(2).fill([alice, bob, dave].sort()));
  });

  it("gives the next seq after messages stored through another instance since", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await knownGroup([alice, bob]);
    expect(outcomes(await oneTurn([message(bob, ours), message(bob, ours)], () => otherInstance))).toEqual(["created", "created"]);
    const settled = await oneTurn([message(alice, ours), message(bob, ours)]);

    expect(settled.map(seqOf)).toEqual([4, 5]);
    expect(await transactionsAfter(ours, 3)).toBe(1);
    expect(await storedSeqs(ours)).toEqual([1, 2, 3, 4, 5]);
    expect(await heardSeqs(ours, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it("stores in one statement after hearing the messages stored through another instance", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await knownGroup([alice, bob]);
    expect(outcomes(await oneTurn([message(bob, ours), message(bob, ours)], () => otherInstance))).toEqual(["created", "created"]);
    await heardSeqs(ours, 3);
    let settled: PromiseSettledResult<InsertMessageResult>[] = [];
    const sent = await statementsDuring(async () => (settled = await oneTurn([message(alice, ours)])));

    expect(settled.map(seqOf)).toEqual([4]);
    expect(sent).toHaveLength(1);
    expect(await storedSeqs(ours)).toEqual([1, 2, 3, 4]);
  });

  it("does not take the members it knows past a change of members it heard", async () => {
    const [alice, bob, carol] = await Promise.all([user(), user(), user()]);
    const ours = await knownGroup([alice, bob, carol]);
    expect((await otherInstance.changeConversation(ours, alice, { kind: "member_removed", userId: carol }, new Date().toISOString())).outcome).toBe("changed");
    await heardSeqs(ours, 2);
    const settled = await oneTurn([message(carol, ours), message(bob, ours)]);

    expect(outcomes(settled)).toEqual(["not_member", "created"]);
    expect(await heardSeqs(ours, 3)).toEqual([1, 2, 3]);
    expect([...heardIn(ours)[2]!.memberIds].sort()).toEqual([alice, bob].sort());
  });

  it("holds a turn while an earlier one of its conversation is in flight, instead of sending it to be refused", async () => {
    const [alice, bob] = await Promise.all([user(), user()]);
    const ours = await knownGroup([alice, bob]);
    let first: Promise<PromiseSettledResult<InsertMessageResult>[]> | undefined;
    let second: Promise<PromiseSettledResult<InsertMessageResult>[]> | undefined;
    // Another transaction holds the counter row: the first turn's statement finds it held, and
    // the turn waits for it in a transaction of its own.
    const sent = await statementsDuring(async () => {
      await whileCounterHeld(ours, async (storeWaits) => {
        first = oneTurn([message(alice, ours), message(bob, ours)]);
        await nextTurn();
        second = oneTurn([message(bob, ours), message(alice, ours)]);
        await storeWaits();
      });
      await Promise.all([first, second]);
    });

    expect([...(await first!), ...(await second!)].map(seqOf)).toEqual([2, 3, 4, 5]);
    const isOneStatement = (statement: string) => statement.startsWith("with locked as");
    expect(sent.filter(isBegin)).toHaveLength(1);
    expect([isOneStatement(sent[0]!), isBegin(sent[1]!), isOneStatement(sent.at(-1)!)]).toEqual([true, true, true]);
    expect(sent.filter(isOneStatement)).toHaveLength(2);
    expect(await heardSeqs(ours, 5)).toEqual([1, 2, 3, 4, 5]);
  });
});
