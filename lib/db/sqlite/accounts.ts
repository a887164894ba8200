import type Database from "better-sqlite3";
import { and, eq, gt, inArray, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";

import type { AccountStore } from "@/lib/db/accounts";
import * as schema from "@/lib/db/sqlite/schema";

const { sessions, users } = schema;

export function createSqliteAccountStore(client: Database.Database): AccountStore {
  const db = drizzle(client, { schema });
  // Read on every authenticated request and WebSocket upgrade, so built and compiled once.
  const sessionWithUser = db
    .select({
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      user: { id: users.id, username: users.username, fullName: users.fullName },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare();

  return {
    async insertSession(session) {
      db.transaction((tx) => {
        tx.delete(sessions).where(and(eq(sessions.userId, session.userId), or(isNotNull(sessions.revokedAt), lte(sessions.expiresAt, session.createdAt)))).run();
        tx.insert(sessions).values(session).run();
      });
    },
    async findSessionWithUser(id) {
      return sessionWithUser.get({ id }) ?? null;
    },
    async rotateRefresh(id, from, to, expiresAt, now) {
      const result = db
        .update(sessions)
        .set({ refreshJti: to, expiresAt })
        .where(and(eq(sessions.id, id), eq(sessions.refreshJti, from), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
        .run();
      return result.changes === 1;
    },
    async revokeSessions(userId, ids, now) {
      if (ids.length === 0) return [];
      return db
        .update(sessions)
        .set({ revokedAt: now, refreshJti: null })
        .where(and(eq(sessions.userId, userId), inArray(sessions.id, ids), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id })
        .all()
        .map((row) => row.id);
    },
    async changePassword(userId, passwordHash, keepSessionId, now) {
      return db.transaction((tx) => {
        tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
        return tx
          .update(sessions)
          .set({ revokedAt: now, refreshJti: null })
          .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id })
          .all()
          .map((row) => row.id);
      });
    },
    async updateFullName(userId, fullName) {
      return db.update(users).set({ fullName }).where(eq(users.id, userId)).returning().get() ?? null;
    },
  };
}
