import type { ConversationDto, GroupChangeDto, MessageDto, PresenceDto, ReadReceiptDto, TypingDto } from "@/lib/chat/present";

/**
 * The vocabulary of the live protocol, shared by the server and the browser client: frame
 * shapes and close codes. No runtime dependencies, so the browser bundle stays small.
 */

/** Close codes the server sends. */
export const CLOSE_CODES = {
  goingAway: 1001,
  policyViolation: 1008,
  tooBig: 1009,
  /** The socket's credential ended; the reason says whether it expired or was revoked. */
  sessionEnded: 4001,
} as const;

/** Reasons sent with CLOSE_CODES.sessionEnded. */
export const SESSION_END_REASONS = {
  expired: "token expired",
  revoked: "session revoked",
} as const;

/** A new message: an event whose seq is `message.seq`. */
export type MessageFrame = { type: "message"; message: MessageDto };

/** An edit, deletion or reaction: the event's own seq, and the message's whole new state. */
export interface MessageUpdatedFrame {
  type: "message_updated";
  seq: number;
  conversation_id: string;
  message: MessageDto;
}

/** A group was renamed or changed members: the conversation as it now is, and what changed. */
export type ConversationUpdatedFrame = { type: "conversation_updated" } & GroupChangeDto;

/**
 * Sent instead of the event that removed the user: the last frame about the conversation
 * the connection gets, until the user is added again.
 */
export interface ConversationRemovedFrame {
  type: "conversation_removed";
  conversation_id: string;
  seq: number;
}

/** An event of a conversation's stream as it goes over the wire. */
export type EventFrame = MessageFrame | MessageUpdatedFrame | ConversationUpdatedFrame;

/** The seq of the event a frame carries. */
export function eventSeq(frame: EventFrame): number {
  return frame.type === "message" ? frame.message.seq : frame.seq;
}

/**
 * The answer to an edit, delete or react frame, or a rename or add_members frame, that changed
 * nothing (the message or group already was so): no event was stored, so the sender is told
 * its state directly.
 */
export type UnchangedFrame = { type: "unchanged"; message: MessageDto } | { type: "unchanged"; conversation: ConversationDto };

/**
 * The answer to a repeated message_id whose event this connection already received: the same
 * message again, marked, so it is not mistaken for a second delivery of the event.
 */
export type RetryAnswerFrame = { type: "message"; message: MessageDto; retried: true };

export interface ErrorFrame {
  type: "error";
  reason: string;
  /** The ids of the frame this answers, so a client can tell which of its frames failed. */
  message_id?: string;
  conversation_id?: string;
  /** The message an edit, delete or react frame named. */
  id?: string;
  /** Seconds to wait before sending the frame again: set when retrying will help. */
  retry_after?: number;
}

export interface SyncedFrame {
  type: "synced";
  /** Per conversation, the last event seq this connection has received. */
  cursors: Record<string, number>;
  /** Conversations with more to replay than one sync sends: sync again from the new cursor. */
  more: string[];
}

export type ServerFrame =
  | EventFrame
  | ConversationRemovedFrame
  | RetryAnswerFrame
  | UnchangedFrame
  | ReadReceiptDto
  | TypingDto
  | PresenceDto
  | SyncedFrame
  | ErrorFrame
  | { type: "joined"; conversation_id: string }
  | { type: "pong" };

export interface SyncRequest {
  type: "sync";
  /** Per conversation, the last event seq the client has; conversations left out start from 0. */
  cursors?: Record<string, number>;
  conversation_id?: string;
  after_seq?: number;
}
