import type { MessageDto } from "@/lib/chat/present";

/** A stored message of conversation "c1" as the API presents it: seq-numbered ids and content, nothing edited, reacted to or attached. */
export function messageDto(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return {
    id: `m${seq}`,
    message_id: `k${seq}`,
    sender_id: "other",
    conversation_id: "c1",
    content: `message ${seq}`,
    attachments: [],
    created_at: "2026-01-01T00:00:00.000Z",
    seq,
    edited_at: null,
    deleted: false,
    reactions: [],
    reply_to: null,
    mentions: [],
    ...overrides,
  };
}
