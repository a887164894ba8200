import { randomUUID } from "node:crypto";

import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { sessionsRevoked } from "@/lib/auth/revocations";
import { issueTokenPair, REFRESH_TOKEN_TTL_SECONDS, verifyToken, type TokenPair } from "@/lib/auth/tokens";
import { DomainError } from "@/lib/chat/errors";
import { presentUser, type UserDto } from "@/lib/chat/present";
import { findUser } from "@/lib/chat/users";
import { getRepository } from "@/lib/db";

/** A signed-in caller: the user and the session (device) the credential belongs to. */
export interface SignedIn {
  user: UserDto;
  sessionId: string;
}

const INVALID_REFRESH = "Invalid or expired refresh token";

const isoAfter = (seconds: number, now = Date.now()) => new Date(now + seconds * 1000).toISOString();

/** Opens a session for a user who just proved who they are; it lasts as long as a refresh token. */
export async function startSession(userId: string): Promise<{ sessionId: string; refreshJti: string }> {
  const session = {
    id: randomUUID(),
    userId,
    refreshJti: randomUUID(),
    createdAt: new Date().toISOString(),
    expiresAt: isoAfter(REFRESH_TOKEN_TTL_SECONDS),
    revokedAt: null,
  };
  await (await getRepository()).insertSession(session);
  return { sessionId: session.id, refreshJti: session.refreshJti };
}

/** The REST API's log-in: a new session and its first token pair. */
export async function issueSessionTokens(userId: string): Promise<TokenPair> {
  const { sessionId, refreshJti } = await startSession(userId);
  return issueTokenPair(userId, sessionId, refreshJti);
}

/** A session that still stands (not revoked, not expired): its user, and when it expires (epoch ms). */
export async function liveSession(userId: string, sessionId: string): Promise<{ user: UserDto; expiresAt: number } | null> {
  const session = await (await getRepository()).findSessionWithUser(sessionId);
  if (!session || session.user.id !== userId || session.revokedAt || session.expiresAt <= new Date().toISOString()) return null;
  return { user: presentUser(session.user), expiresAt: Date.parse(session.expiresAt) };
}

/** The caller behind an access token whose session still stands, or null. */
export async function authenticateAccessToken(token: string): Promise<SignedIn | null> {
  const claims = await verifyToken(token, "access");
  const session = claims ? await liveSession(claims.userId, claims.sessionId) : null;
  return session && claims ? { user: session.user, sessionId: claims.sessionId } : null;
}

/**
 * Trades a refresh token for a new pair. Each refresh token works once: a second use means it
 * was copied, so the whole session is revoked and both holders must log in again.
 */
export async function refreshSession(refreshToken: string): Promise<TokenPair> {
  const claims = await verifyToken(refreshToken, "refresh");
  if (!claims) throw new DomainError("unauthorized", INVALID_REFRESH);
  const repository = await getRepository();
  const next = randomUUID();
  const rotated = await repository.rotateRefresh(
    claims.sessionId,
    claims.jti,
    next,
    isoAfter(REFRESH_TOKEN_TTL_SECONDS),
    new Date().toISOString(),
  );
  if (!rotated) {
    await revokeSessions(claims.userId, [claims.sessionId]);
    throw new DomainError("unauthorized", INVALID_REFRESH);
  }
  if (!(await findUser(claims.userId))) throw new DomainError("unauthorized", INVALID_REFRESH);
  return issueTokenPair(claims.userId, claims.sessionId, next);
}

/** Ends sessions of the user; their tokens stop working and their open sockets are closed. */
export async function revokeSessions(userId: string, sessionIds: string[]): Promise<void> {
  const revoked = await (await getRepository()).revokeSessions(userId, sessionIds, new Date().toISOString());
  sessionsRevoked(revoked);
}

/** Log-out over REST: the caller's session, and the one its refresh token names if it is the caller's too. */
export async function logOut(caller: SignedIn, refreshToken: string | undefined): Promise<void> {
  const ids = [caller.sessionId];
  const refresh = refreshToken ? await verifyToken(refreshToken, "refresh") : null;
  if (refresh && refresh.userId === caller.user.id) ids.push(refresh.sessionId);
  await revokeSessions(caller.user.id, ids);
}

/** A new password ends every other session: whoever else held one has to prove the new password. */
export async function changePassword(caller: SignedIn, currentPassword: string, newPassword: string): Promise<void> {
  const repository = await getRepository();
  const stored = await repository.findUserById(caller.user.id);
  if (!stored || !(await verifyPassword(stored.passwordHash, currentPassword))) {
    throw new DomainError("forbidden", "Current password is incorrect");
  }
  const revoked = await repository.changePassword(caller.user.id, await hashPassword(newPassword), caller.sessionId, new Date().toISOString());
  sessionsRevoked(revoked);
}

export async function updateProfile(userId: string, fullName: string | null): Promise<UserDto> {
  const updated = await (await getRepository()).updateFullName(userId, fullName);
  if (!updated) throw new DomainError("unauthorized", "Not authenticated");
  return presentUser(updated);
}
