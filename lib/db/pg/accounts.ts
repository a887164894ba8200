import { and, eq, gt, inArray, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import type { Sql } from "postgres";

import { SESSIONS_CHANNEL, type AccountStore, type SessionWithUser } from "@/lib/db/accounts";
import * as schema from "@/lib/db/pg/schema";
import { collectTurns } from "@/lib/db/turns";

const { sessions, users } = schema;

/** Session ids per NOTIFY, far below PostgreSQL's 8000-byte payload limit. */
const IDS_PER_NOTIFY = 100;

type Executor = Pick<ReturnType<typeof drizzle<typeof schema>>, "execute">;

/** Tells every instance, once the transaction commits, which sessions ended so their sockets close. */
async function announceRevoked(tx: Executor, ids: string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += IDS_PER_NOTIFY) {
    const payload = JSON.stringify(ids.slice(start, start + IDS_PER_NOTIFY));
    await tx.execute(sql`select pg_notify(${SESSIONS_CHANNEL}, ${payload})`);
  }
}

export function createPostgresAccountStore(client: Sql): AccountStore {
  const db = drizzle(client, { schema });
  // Read on every authenticated request and WebSocket upgrade, so built once, and for all the
  // requests of one turn together: a round trip per request was a busy server's largest cost.
  const sessionsWithUsers = db
    .select({
      id: sessions.id,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      user: { id: users.id, username: users.username, fullName: users.fullName },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(sql`${sessions.id} = any(${sql.placeholder("ids")}::text[])`)
    .prepare("sessions_with_users");
  const sessionWithUserInTurn = collectTurns<string, SessionWithUser | null>((calls) => {
    sessionsWithUsers.execute({ ids: [...new Set(calls.map((call) => call.input))] }).then(
      (rows) => {
        const byId = new Map(rows.map(({ id, ...session }) => [id, session]));
        for (const call of calls) call.resolve(byId.get(call.input) ?? null);
      },
      (error: unknown) => {
        for (const call of calls) call.reject(error);
      },
    );
  });

  return {
    async insertSession(session) {
      await db.transaction(async (tx) => {
        await tx.delete(sessions).where(and(eq(sessions.userId, session.userId), or(isNotNull(sessions.revokedAt), lte(sessions.expiresAt, session.createdAt))));
        await tx.insert(sessions).values(session);
      });
    },
    findSessionWithUser: sessionWithUserInTurn,
    async rotateRefresh(id, from, to, expiresAt, now) {
      const rows = await db
        .update(sessions)
        .set({ refreshJti: to, expiresAt })
        .where(and(eq(sessions.id, id), eq(sessions.refreshJti, from), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
        .returning({ id: sessions.id });
      return rows.length === 1;
    },
    async revokeSessions(userId, ids, now) {
      if (ids.length === 0) return [];
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(sessions)
          .set({ revokedAt: now, refreshJti: null })
          .where(and(eq(sessions.userId, userId), inArray(sessions.id, ids), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id });
        const revoked = rows.map((row) => row.id);
        await announceRevoked(tx, revoked);
        return revoked;
      });
    },
    async changePassword(userId, passwordHash, keepSessionId, now) {
      return db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
        const rows = await tx
          .update(sessions)
          .set({ revokedAt: now, refreshJti: null })
          .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id });
        const revoked = rows.map((row) => row.id);
        await announceRevoked(tx, revoked);
        return revoked;
      });
    },
    async updateFullName(userId, fullName) {
      const [row] = await db.update(users).set({ fullName }).where(eq(users.id, userId)).returning();
      return row ?? null;
    },
  };
}
