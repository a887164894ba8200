import { randomUUID } from "node:crypto";

import { afterAll, afterEach, describe, expect, it, vi } from "vitest";

import { REFRESH_TOKEN_TTL_SECONDS } from "@/lib/auth/tokens";
import { revokeSessions, startSession } from "@/lib/auth/sessions";
import { DomainError } from "@/lib/chat/errors";
import { listMessages, sendMessage } from "@/lib/chat/messages";
import { closeRepository } from "@/lib/db";

import { createPair } from "../support/in-process";

/**
 * A message sent with the session it was sent under (POST /messages) is stored only while
 * that session stands, checked by the SQLite store in the message's own transaction. The
 * same on PostgreSQL: tests/postgres/group-commit.test.ts.
 */
vi.hoisted(() => {
  process.env.DATA_DIR = `${process.env.TMPDIR ?? "/tmp"}/pneumatic-unit-${process.pid}-${Date.now()}`;
});

afterAll(() => closeRepository());
afterEach(() => vi.useRealTimers());

const input = (conversationId: string, content = "hello", messageId = randomUUID()) => ({ message_id: messageId, conversation_id: conversationId, content, attachment_ids: [] });

async function refusal(sending: Promise<unknown>): Promise<string> {
  const error: unknown = await sending.then(
    () => null,
    (caught: unknown) => caught,
  );
  return error instanceof DomainError ? error.code : `not refused: ${String(error)}`;
}

describe("sending under a session", () => {
  it("stores a message sent under a session that stands", async () => {
    const { alice, conversationId } = await createPair();
    const { sessionId } = await startSession(alice);

    const { message, created } = await sendMessage(alice, input(conversationId), sessionId);
    expect(created).toBe(true);
    expect(message.seq).toBe(1);
  });

  it("refuses a message sent under a revoked session as unauthorized, storing nothing and taking no seq", async () => {
    const { alice, conversationId } = await createPair();
    const { sessionId } = await startSession(alice);
    await revokeSessions(alice, [sessionId]);

    expect(await refusal(sendMessage(alice, input(conversationId), sessionId))).toBe("unauthorized");
    expect(await listMessages(alice, conversationId, { limit: 50 })).toEqual([]);
    expect((await sendMessage(alice, input(conversationId), null)).message.seq).toBe(1);
  });

  it("refuses a message sent under a session that has expired", async () => {
    const { alice, conversationId } = await createPair();
    const { sessionId } = await startSession(alice);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + (REFRESH_TOKEN_TTL_SECONDS + 1) * 1000);

    expect(await refusal(sendMessage(alice, input(conversationId), sessionId))).toBe("unauthorized");
  });

  it("refuses a message sent under another user's session", async () => {
    const { alice, bob, conversationId } = await createPair();
    const { sessionId } = await startSession(bob);

    expect(await refusal(sendMessage(alice, input(conversationId), sessionId))).toBe("unauthorized");
  });

  it("refuses a retry of a stored message_id once its session is revoked", async () => {
    const { alice, conversationId } = await createPair();
    const { sessionId } = await startSession(alice);
    const first = input(conversationId, "once");
    await sendMessage(alice, first, sessionId);
    await revokeSessions(alice, [sessionId]);

    expect(await refusal(sendMessage(alice, first, sessionId))).toBe("unauthorized");
  });

  it("stores the other messages of a turn when one of them is sent under a revoked session", async () => {
    const { alice, bob, conversationId } = await createPair();
    const [standing, revoked] = await Promise.all([startSession(alice), startSession(bob)]);
    await revokeSessions(bob, [revoked.sessionId]);

    const settled = await Promise.allSettled([
      sendMessage(alice, input(conversationId, "first"), standing.sessionId),
      sendMessage(bob, input(conversationId, "refused"), revoked.sessionId),
      sendMessage(alice, input(conversationId, "second"), standing.sessionId),
    ]);
    expect(settled.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((await listMessages(alice, conversationId, { limit: 50 })).map((message) => [message.seq, message.content])).toEqual([
      [1, "first"],
      [2, "second"],
    ]);
  });
});
