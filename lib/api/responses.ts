import { z } from "zod";

import type { TokenPair } from "@/lib/auth/tokens";
import type { AttachmentDto, ConversationDto, MessageDto, PersonDto, ReactionDto, UserDto } from "@/lib/chat/present";

/**
 * The response shapes of the REST API, for its OpenAPI description. Each is typed against the
 * interface the handlers return, so a field added there and forgotten here fails to compile.
 */

export const errorBody = z.object({ detail: z.string().meta({ description: "What went wrong, for a person to read" }) });

export const userBody: z.ZodType<UserDto> = z.object({
  id: z.string(),
  username: z.string(),
  full_name: z.string().nullable(),
});

export const personBody: z.ZodType<PersonDto> = z.object({
  id: z.string(),
  username: z.string(),
  full_name: z.string().nullable(),
  online: z.boolean(),
  last_seen_at: z.string().meta({ format: "date-time" }).nullable(),
});

export const tokenPairBody: z.ZodType<TokenPair> = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int().meta({ description: "Seconds until the access token expires" }),
});

export const attachmentBody: z.ZodType<AttachmentDto> = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int().meta({ description: "Bytes" }),
  content_type: z.string().meta({ description: "Sniffed from the bytes" }),
  url: z.string().meta({ description: "Where GET serves it" }),
  width: z.number().int().optional().meta({ description: "Images only" }),
  height: z.number().int().optional().meta({ description: "Images only" }),
  thumbnail_url: z.string().optional().meta({ description: "Images only" }),
});

export const reactionBody: z.ZodType<ReactionDto> = z.object({
  emoji: z.string(),
  count: z.number().int(),
  user_ids: z.array(z.string()),
});

export const messageBody: z.ZodType<MessageDto> = z.object({
  id: z.string(),
  message_id: z.string().meta({ description: "The client's idempotency key" }),
  sender_id: z.string(),
  conversation_id: z.string(),
  content: z.string(),
  attachments: z.array(attachmentBody),
  created_at: z.string().meta({ format: "date-time" }),
  seq: z.number().int().meta({ description: "The seq of the event that created the message" }),
  edited_at: z.string().meta({ format: "date-time" }).nullable(),
  deleted: z.boolean().meta({ description: "A deleted message keeps its id and seq; its content is empty" }),
  reactions: z.array(reactionBody),
  reply_to: z.string().nullable().meta({ description: "The id of the message this one answers" }),
  mentions: z.array(z.string()).meta({ description: "Ids of the members named with @username" }),
});

export const conversationBody: z.ZodType<ConversationDto> = z.object({
  id: z.string(),
  title: z.string(),
  is_group: z.boolean(),
  created_by: z.string().nullable().meta({ description: "Of a group, the one member who may remove others and delete any message" }),
  members: z.array(personBody),
  member_ids: z.array(z.string()),
  created_at: z.string().meta({ format: "date-time" }),
  last_seq: z.number().int(),
  last_message: messageBody.nullable().optional(),
  last_read_seq: z.number().int().optional().meta({ description: "In the caller's list: the last seq they have read" }),
  unread_count: z.number().int().optional().meta({ description: "In the caller's list: messages by others after last_read_seq" }),
  unread_mentions: z.number().int().optional().meta({ description: "In the caller's list: of those, the messages that mention the caller" }),
});

export const readMarkerBody = z.object({ last_read_seq: z.number().int() });

export const healthBody = z.object({ status: z.literal("healthy") });

export const readyBody = z.object({ status: z.literal("ready") });

export const unavailableBody = errorBody.extend({ status: z.literal("unavailable") });
