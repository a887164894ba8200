import { z } from "zod";

import type { MessageRecord } from "@/lib/db/repository";

/** The NOTIFY channel every instance listens on for stored messages. */
export const MESSAGES_CHANNEL = "pneumatic_messages";

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;

const recordSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  senderId: z.string(),
  conversationId: z.string(),
  content: z.string(),
  seq: z.number().int(),
  createdAt: z.string(),
});

const announcementSchema = z.union([
  z.object({ message: recordSchema, memberIds: z.array(z.string()) }),
  // Too big to carry: receivers load the message and its members themselves.
  z.object({ conversationId: z.string(), seq: z.number().int() }),
]);

export type Announcement = z.infer<typeof announcementSchema>;

export function announcementPayload(message: MessageRecord, memberIds: string[]): string {
  const full = JSON.stringify({ message, memberIds });
  if (Buffer.byteLength(full) <= MAX_PAYLOAD_BYTES) return full;
  return JSON.stringify({ conversationId: message.conversationId, seq: message.seq });
}

/** Null for a payload this version does not understand (another release mid-rollout, say). */
export function parseAnnouncement(payload: string): Announcement | null {
  try {
    const parsed = announcementSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
