import { z } from "zod";

import {
  addMembersFrameSchema,
  describeZodError,
  editMessageActionSchema,
  idSchema,
  MAX_SEQ,
  messageRefSchema,
  reactionSchema,
  readMarkerSchema,
  removeMemberSchema,
  renameGroupFormSchema,
  sendMessageSchema,
} from "@/lib/chat/schemas";
import type { ErrorFrame } from "@/lib/realtime/wire";

/** Client → server frames of the live protocol, validated with the REST API's own schemas. */

const conversationId = idSchema;
const sequenceNumber = z.number().int().min(0).max(MAX_SEQ);

export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("join"), conversation_id: conversationId }),
  sendMessageSchema.extend({ type: z.literal("message") }),
  z.object({
    type: z.literal("sync"),
    cursors: z.record(conversationId, sequenceNumber).optional(),
    conversation_id: conversationId.optional(),
    after_seq: sequenceNumber.optional(),
  }),
  z.object({ type: z.literal("ping") }),
  readMarkerSchema.extend({ type: z.literal("read"), conversation_id: conversationId }),
  z.object({ type: z.literal("typing"), conversation_id: conversationId }),
  editMessageActionSchema.extend({ type: z.literal("edit") }),
  messageRefSchema.extend({ type: z.literal("delete") }),
  reactionSchema.extend({ type: z.literal("react") }),
  renameGroupFormSchema.extend({ type: z.literal("rename") }),
  addMembersFrameSchema.extend({ type: z.literal("add_members") }),
  removeMemberSchema.extend({ type: z.literal("remove_member") }),
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type SyncFrame = Extract<ClientFrame, { type: "sync" }>;

export type FrameIds = Pick<ErrorFrame, "message_id" | "conversation_id" | "id">;

/** The ids a frame names, read before validation so that even a refused frame's error carries them. */
export function frameIds(value: unknown): FrameIds {
  if (typeof value !== "object" || value === null) return {};
  const ids: FrameIds = {};
  for (const key of ["message_id", "conversation_id", "id"] as const) {
    const id = (value as Record<string, unknown>)[key];
    if (typeof id === "string" && id.length <= 128) ids[key] = id;
  }
  return ids;
}

export type ParsedFrame = { ok: true; frame: ClientFrame; ids: FrameIds } | { ok: false; error: ErrorFrame; ids: FrameIds };

export function parseClientFrame(text: string, binary = false): ParsedFrame {
  if (binary) return { ok: false, error: { type: "error", reason: "Binary frames are not supported; send JSON text" }, ids: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: { type: "error", reason: "Frame must be valid JSON" }, ids: {} };
  }
  const ids = frameIds(value);
  const parsed = clientFrameSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: { type: "error", reason: describeZodError(parsed.error), ...ids }, ids };
  return { ok: true, frame: parsed.data, ids };
}
