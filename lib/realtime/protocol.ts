import { z } from "zod";

import type { MessageDto } from "@/lib/chat/present";
import { contentSchema, idSchema, MAX_SEQUENCE, messageIdSchema, text } from "@/lib/chat/schemas";

/** Client → server frames of the /ws protocol. */

const conversationId = idSchema;
const sequenceNumber = z.number().int().min(0).max(MAX_SEQUENCE);

export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("join"), conversation_id: conversationId }),
  z.object({
    type: z.literal("message"),
    message_id: messageIdSchema,
    conversation_id: conversationId,
    content: contentSchema,
    sender_id: text().max(128).optional(),
  }),
  z.object({
    type: z.literal("sync"),
    cursors: z.record(conversationId, sequenceNumber).optional(),
    conversation_id: conversationId.optional(),
    after_seq: sequenceNumber.optional(),
  }),
  z.object({ type: z.literal("ping") }),
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type SyncFrame = Extract<ClientFrame, { type: "sync" }>;

/** Server → client frames. */
export type ServerFrame =
  | { type: "joined"; conversation_id: string }
  | { type: "message"; message: MessageDto }
  | { type: "synced"; cursors: Record<string, number>; more: string[] }
  | { type: "pong" }
  | {
      type: "error";
      reason: string;
      message_id?: string;
      conversation_id?: string;
      /** Seconds to wait before sending another message, when the rate limit refused this one. */
      retry_after?: number;
    };

const serialized = new WeakMap<MessageDto, string>();

/** A broadcast message is serialized once, however many connections receive it. */
export function messageFrame(message: MessageDto): string {
  let frame = serialized.get(message);
  if (frame === undefined) {
    frame = JSON.stringify({ type: "message", message } satisfies ServerFrame);
    serialized.set(message, frame);
  }
  return frame;
}
