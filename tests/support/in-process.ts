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
      .filter((frame) => frame.type === "message" || frame.type === "message_updated" || frame.type === "conversation_updated")
      .map((frame) => frame as unknown as EventFrame)
      .filter((frame) => (frame.type === "message" ? frame.message.conversation_id : frame.conversation_id) === conversationId)
      .map(eventSeq);
  }

  last(type: string): Frame | undefined {
    return this.frames.filter((frame) => frame.type === type).at(-1);
  }
}

export async function signUpAll(names: string[]): Promise<string[]> {
  const password = "correct horse battery";
  const users = await Promise.all(names.map((name) => signUp({ username: `${name}_${randomUUID().slice(0, 8)}`, password, full_name: null })));
  return users.map((user) => user.id);
}

export async function createPair(): Promise<{ alice: string; bob: string; conversationId: string }> {
  const [alice, bob] = await signUpAll(["alice", "bob"]);
  const { conversation } = await createConversation(alice!, { member_ids: [bob!], title: "" });
  return { alice: alice!, bob: bob!, conversationId: conversation.id };
}

/** A group alice created with bob and carol. */
export async function createGroup(): Promise<{ alice: string; bob: string; carol: string; conversationId: string }> {
  const [alice, bob, carol] = await signUpAll(["alice", "bob", "carol"]);
  const { conversation } = await createConversation(alice!, { member_ids: [bob!, carol!], title: "group" });
  return { alice: alice!, bob: bob!, carol: carol!, conversationId: conversation.id };
}

export async function send(senderId: string, conversationId: string, count = 1): Promise<void> {
  for (let i = 0; i < count; i++) {
    await sendMessage(senderId, { message_id: randomUUID(), conversation_id: conversationId, content: `message ${i}`, attachment_ids: [] }, null);
  }
}
