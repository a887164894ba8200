import { randomUUID } from "node:crypto";

import { createConversation } from "@/lib/chat/conversations";
import { sendMessage } from "@/lib/chat/messages";
import { signUp } from "@/lib/chat/users";
import type { Transport } from "@/lib/realtime/connection";
import { eventSeq, type EventFrame } from "@/lib/realtime/wire";

import type { Frame } from "./ws";

/**
 * In-process tests of the realtime core run on a real SQLite store in a temporary DATA_DIR,
 * which the test file points the configuration at (vi.hoisted) before anything reads it.
 */

/** A transport that keeps what it was sent, as a client would parse it. */
export class RecordingTransport implements Transport {
  readonly frames: Frame[] = [];
  open = true;
  bufferedAmount = 0;

  send(data: string): void {
    this.frames.push(JSON.parse(data) as Frame);
  }

  terminate(): void {
    this.open = false;
  }

  /** The seqs of the event frames of one conversation, new messages and changes alike, in the order they were sent. */
  seqs(conversationId: string): number[] {
    return this.frames
      .filter((frame) => frame.type === "message" || frame.type === "message_updated")
      .map((frame) => frame as unknown as EventFrame)
      .filter((frame) => frame.message.conversation_id === conversationId)
      .map(eventSeq);
  }

  last(type: string): Frame | undefined {
    return this.frames.filter((frame) => frame.type === type).at(-1);
  }
}

export async function createPair(): Promise<{ alice: string; bob: string; conversationId: string }> {
  const password = "correct horse battery";
  const [alice, bob] = await Promise.all(
    ["alice", "bob"].map((name) => signUp({ username: `${name}_${randomUUID().slice(0, 8)}`, password, full_name: null })),
  );
  const { conversation } = await createConversation(alice!.id, { member_ids: [bob!.id], title: "" });
  return { alice: alice!.id, bob: bob!.id, conversationId: conversation.id };
}

export async function send(senderId: string, conversationId: string, count = 1): Promise<void> {
  for (let i = 0; i < count; i++) {
    await sendMessage(senderId, { message_id: randomUUID(), conversation_id: conversationId, content: `message ${i}` });
  }
}
