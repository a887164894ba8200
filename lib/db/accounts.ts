import type * as schema from "@/lib/db/sqlite/schema";

export type SessionRecord = typeof schema.sessions.$inferSelect;
type UserRecord = typeof schema.users.$inferSelect;

/** A session as an authenticated request checks it, with the user it belongs to. */
export interface SessionWithUser {
  expiresAt: string;
  revokedAt: string | null;
  user: Pick<UserRecord, "id" | "username" | "fullName">;
}

/** The NOTIFY channel on which PostgreSQL instances hear of revoked sessions (payload: JSON array of ids). */
export const SESSIONS_CHANNEL = "pneumatic_sessions";

/** Storage of what belongs to an account besides its conversations: its sessions, password and profile. */
export interface AccountStore {
  /** Stores a new session and forgets the user's ended ones (revoked or expired), so the table stays small. */
  insertSession(session: SessionRecord): Promise<void>;
  /** Read on every authenticated request and WebSocket upgrade: one statement, one round trip. */
  findSessionWithUser(id: string): Promise<SessionWithUser | null>;
  /** Replaces the session's refresh jti `from` by `to` unless it was already used, revoked or expired. */
  rotateRefresh(id: string, from: string, to: string, expiresAt: string, now: string): Promise<boolean>;
  /** Revokes the sessions of `userId` among `ids` that are still live; returns the ids it revoked. */
  revokeSessions(userId: string, ids: string[], now: string): Promise<string[]>;
  /** Stores the new hash and revokes every other live session of the user, in one transaction. */
  changePassword(userId: string, passwordHash: string, keepSessionId: string, now: string): Promise<string[]>;
  updateFullName(userId: string, fullName: string | null): Promise<UserRecord | null>;
}
