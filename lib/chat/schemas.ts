import { z } from "zod";

import { isEmoji, MAX_EMOJI_BYTES } from "@/lib/chat/emoji";
import {
  DEFAULT_PAGE_SIZE,
  DEFAULT_SEARCH_PAGE,
  MAX_MESSAGE_LENGTH,
  MAX_PAGE_SIZE,
  MAX_SEARCH_LENGTH,
  MAX_SEARCH_PAGE,
} from "@/lib/chat/limits";

/** Input rules shared by the REST API, the WebSocket protocol and the server actions. */

// zod probes for eval to compile faster validators; under the page's CSP that probe is a
// reported violation in the browser, so the interpreted validators are used everywhere.
z.config({ jitless: true });

export { DEFAULT_PAGE_SIZE, MAX_MESSAGE_LENGTH, MAX_PAGE_SIZE };

/**
 * Every string a client sends. PostgreSQL cannot store U+0000 in text, so it is refused here,
 * the same on both databases, before anything is looked up or written. So is a lone UTF-16
 * surrogate: no database can store it as sent, so what was acknowledged would not be what is
 * read back, and a retry of the same message would no longer match it.
 */
export const text = () =>
  z
    .string()
    .regex(/^[^\u0000]*$/, "must not contain the NUL character (U+0000)")
    .regex(/^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/, "must be well-formed Unicode (no lone surrogate)");

export const usernameSchema = text()
  .trim()
  .min(3, "must be at least 3 characters")
  .max(32, "must be at most 32 characters")
  .regex(/^[A-Za-z0-9_.-]+$/, "may contain only letters, digits, '_', '.' and '-'");

export const passwordSchema = text()
  .min(8, "must be at least 8 characters")
  .max(256, "must be at most 256 characters");

export const fullNameSchema = text()
  .trim()
  .max(100, "must be at most 100 characters")
  .nullish()
  .transform((value) => (value ? value : null));

export const signupSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  full_name: fullNameSchema,
});

export const loginSchema = z.object({
  username: text().max(256),
  password: text().max(256),
});

export const refreshSchema = z.object({ refresh_token: text().min(1).max(4096) });

export const logoutSchema = z.object({ refresh_token: text().min(1).max(4096).optional() });

export const passwordChangeSchema = z.object({
  current_password: text().max(256),
  new_password: passwordSchema,
});

/** A partial update: a field left out stays as it is. */
export const profileSchema = z.object({ full_name: fullNameSchema.optional() });

/** Ids are looked up rather than format-checked, so an unknown one is reported as unknown. */
export const idSchema = text().min(1).max(128);

export const conversationPathSchema = z.object({ id: idSchema });
export const memberPathSchema = conversationPathSchema.extend({ user_id: idSchema });

export const createConversationSchema = z.object({
  member_ids: z.array(idSchema).min(1, "must name at least one other member").max(1000),
  title: text().trim().max(100, "must be at most 100 characters").optional().default(""),
  is_group: z.boolean().optional(),
});

export const renameConversationSchema = z.object({
  title: text().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
});

export const addMembersSchema = z.object({
  member_ids: z.array(idSchema).min(1, "must name at least one member").max(1000),
});

/** A message's text: it may be empty only when the message carries files (a rule of lib/chat/messages.ts). */
export const contentSchema = text()
  .trim()
  .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`);

/** The most files one message carries. */
export const MAX_ATTACHMENTS = 10;

export const messageIdSchema = text().trim().min(1, "must not be empty").max(128, "must be at most 128 characters");

export const sendMessageSchema = z.object({
  message_id: messageIdSchema,
  sender_id: idSchema.optional(),
  conversation_id: idSchema,
  content: contentSchema,
  attachment_ids: z
    .array(idSchema)
    .max(MAX_ATTACHMENTS, `must name at most ${MAX_ATTACHMENTS} files`)
    .default([])
    .transform((ids) => [...new Set(ids)]),
  reply_to: idSchema.nullish(),
});

export const editMessageSchema = z.object({ content: contentSchema });

export const emojiSchema = text().refine(isEmoji, `must be one emoji of at most ${MAX_EMOJI_BYTES} bytes`);

/** A message named by its id, as the UI's actions name it. */
export const messageRefSchema = z.object({ id: idSchema });

export const editMessageActionSchema = messageRefSchema.extend(editMessageSchema.shape);

export const reactionSchema = messageRefSchema.extend({ emoji: emojiSchema, on: z.boolean() });

/**
 * A whole number written in a query string, in decimal digits. Number() would read "" and " "
 * as 0 and "0x20" as 32: an empty cursor would answer a page of nothing instead of a 422.
 */
const queryNumber = (rule: z.ZodNumber) => z.string().regex(/^[0-9]{1,10}$/, "must be a whole number").transform(Number).pipe(rule);

export const searchSchema = z.object({
  q: text().trim().min(1, "must not be empty").max(MAX_SEARCH_LENGTH, `must be at most ${MAX_SEARCH_LENGTH} characters`),
  conversation_id: idSchema.optional(),
  limit: queryNumber(z.number().int().min(1).max(MAX_SEARCH_PAGE)).default(DEFAULT_SEARCH_PAGE),
  /** The id of the last message of the previous page. */
  before: idSchema.optional(),
});

/** The largest seq the databases store (a 32-bit integer column). */
export const MAX_SEQ = 2_147_483_647;

const sequenceNumber = z.number().int().min(0).max(MAX_SEQ, `must be at most ${MAX_SEQ}`);

export const messagePageSchema = z
  .object({
    limit: queryNumber(z.number().int().min(1).max(MAX_PAGE_SIZE)).default(DEFAULT_PAGE_SIZE),
    before: queryNumber(sequenceNumber).optional(),
    after: queryNumber(sequenceNumber).optional(),
  })
  .refine((page) => page.before === undefined || page.after === undefined, {
    message: "use either before or after, not both",
  });

/** The web UI's "+ New Group Chat" form: a name and the other members' usernames, comma-separated. */
export const groupFormSchema = z.object({
  title: text().trim().min(1, "Group name is required").max(100, "Group name must be at most 100 characters"),
  usernames: text()
    .max(4000, "Too many usernames")
    .transform((value) => [...new Set(value.split(",").map((name) => name.trim()).filter(Boolean))])
    .pipe(z.array(z.string().max(128)).min(1, "Name at least one member").max(1000, "Too many members")),
});

/** A page of history older than `before`, as the web UI asks for it when scrolling up. */
export const olderMessagesSchema = z.object({
  conversation_id: idSchema,
  before: sequenceNumber,
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

export const directConversationSchema = z.object({ user_id: idSchema });

export const conversationRefSchema = z.object({ conversation_id: idSchema });

/** The group info panel's forms: rename, add people by username, remove someone (or leave). */
export const renameGroupFormSchema = conversationRefSchema.extend(renameConversationSchema.shape);
export const addByUsernameSchema = conversationRefSchema.extend({
  usernames: z.array(z.string().trim().min(1).max(128)).min(1, "Name at least one person").max(100),
});
export const removeMemberSchema = conversationRefSchema.extend({ user_id: idSchema });
/** Adding people by id, as the WebSocket frame names them (the panel's form names them by username). */
export const addMembersFrameSchema = conversationRefSchema.extend(addMembersSchema.shape);

/** How far the reader has read: the last event seq they have seen. */
export const readMarkerSchema = z.object({
  seq: z.number().int().min(0).max(MAX_SEQ, `must be at most ${MAX_SEQ}`),
});

export type SignupInput = z.infer<typeof signupSchema>;
export type CreateConversationInput = z.infer<typeof createConversationSchema>;
export type RenameConversationInput = z.infer<typeof renameConversationSchema>;
export type AddMembersInput = z.infer<typeof addMembersSchema>;
export type SendMessageInput = z.infer<typeof sendMessageSchema>;
export type MessagePageInput = z.infer<typeof messagePageSchema>;
export type SearchInput = z.infer<typeof searchSchema>;

/** A readable one-line summary of what was wrong with an input. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
