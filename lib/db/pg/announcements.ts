import { z } from "zod";

import type { Announcement, Signal } from "@/lib/db/repository";

/** The NOTIFY channels every instance listens on: stored events, and signals. */
export const EVENTS_CHANNEL = "pneumatic_events";
export const SIGNALS_CHANNEL = "pneumatic_signals";

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7999;

const messageSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  senderId: z.string(),
  conversationId: z.string(),
  content: z.string(),
  attachments: z.string().nullable(),
  seq: z.number().int(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
  reactions: z.array(z.object({ emoji: z.string(), userIds: z.array(z.string()) })),
  mentions: z.array(z.string()),
  replyTo: z.string().nullable(),
});

const eventSchema = z.object({
  conversationId: z.string(),
  seq: z.number().int(),
  type: z.enum(["message", "message_updated", "conversation_updated"]),
  createdAt: z.string(),
  message: messageSchema.nullable(),
  data: z.string().nullable(),
});

const noticeSchema = z.union([
  z.object({ event: eventSchema, memberIds: z.array(z.string()) }),
  // Too big to carry: receivers load the event and its members themselves.
  z.object({ conversationId: z.string(), seq: z.number().int() }),
]);

export type Notice = z.infer<typeof noticeSchema>;

export function noticePayload(announcement: Announcement): string {
  const full = JSON.stringify(announcement);
  if (Buffer.byteLength(full) <= MAX_PAYLOAD_BYTES) return full;
  return JSON.stringify({ conversationId: announcement.event.conversationId, seq: announcement.event.seq });
}

/** Null for a payload this version does not understand (another release mid-rollout, say). */
export function parseNotice(payload: string): Notice | null {
  try {
    const parsed = noticeSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const signalSchema = z.object({
  recipientIds: z.array(z.string()),
  payload: z.looseObject({ type: z.string() }),
});

/** A signal as NOTIFY payloads, its recipients split so that each payload fits PostgreSQL's limit. */
export function signalPayloads(signal: Signal): string[] {
  const emptySize = Buffer.byteLength(JSON.stringify({ ...signal, recipientIds: [] }));
  const payloads: string[] = [];
  let recipientIds: string[] = [];
  let size = emptySize;
  for (const id of signal.recipientIds) {
    // The id in quotes, and the comma before it.
    const cost = Buffer.byteLength(JSON.stringify(id)) + 1;
    if (size + cost > MAX_PAYLOAD_BYTES && recipientIds.length > 0) {
      payloads.push(JSON.stringify({ ...signal, recipientIds }));
      recipientIds = [];
      size = emptySize;
    }
    recipientIds.push(id);
    size += cost;
  }
  if (recipientIds.length > 0) payloads.push(JSON.stringify({ ...signal, recipientIds }));
  return payloads;
}

const sessionIdsSchema = z.array(z.string());

/** The ids of sessions revoked together, as lib/db/pg/accounts.ts announces them on SESSIONS_CHANNEL; null if malformed. */
export function parseSessionIds(payload: string): string[] | null {
  try {
    const parsed = sessionIdsSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function parseSignal(payload: string): Signal | null {
  try {
    const parsed = signalSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
