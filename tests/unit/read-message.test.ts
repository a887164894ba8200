import { randomUUID } from "node:crypto";

import { afterAll, describe, expect, it, vi } from "vitest";

import { DomainError } from "@/lib/chat/errors";
import { editMessage, readMessage } from "@/lib/chat/message-actions";
import { sendMessage } from "@/lib/chat/messages";
import { closeRepository } from "@/lib/db";

import { createPair, signUpAll } from "../support/in-process";

// Runs before the imports, so the store opens in a directory of its own (created on open).
vi.hoisted(() => {
  process.env.DATA_DIR = `${process.env.TMPDIR ?? "/tmp"}/pneumatic-unit-${process.pid}-${Date.now()}`;
});

afterAll(() => closeRepository());

async function firstMessage(senderId: string, conversationId: string): Promise<string> {
  const { message } = await sendMessage(senderId, { message_id: randomUUID(), conversation_id: conversationId, content: "long ago", attachment_ids: [] }, null);
  return message.id;
}

describe("reading one message for the replies that quote it", () => {
  it("answers a member with the message as it is now", async () => {
    const { alice, bob, conversationId } = await createPair();
    const id = await firstMessage(alice, conversationId);
    await editMessage(alice, id, "long ago, edited");
    await expect(readMessage(bob, id)).resolves.toMatchObject({ id, conversation_id: conversationId, content: "long ago, edited", edited_at: expect.any(String) });
  });

  it("finds no message of a conversation the caller is not in", async () => {
    const { alice, conversationId } = await createPair();
    const [stranger] = await signUpAll(["stranger"]);
    const id = await firstMessage(alice, conversationId);
    await expect(readMessage(stranger!, id)).rejects.toEqual(new DomainError("not_found", "Message not found"));
  });
});
