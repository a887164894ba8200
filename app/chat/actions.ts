"use server";

import { announceTyping, markRead } from "@/lib/chat/awareness";
import { createConversation, getConversation } from "@/lib/chat/conversations";
import { addMembers, removeMember, renameGroup } from "@/lib/chat/groups";
import { listHistory, type HistoryPage } from "@/lib/chat/history";
import { deleteMessage, editMessage, reactToMessage, readMessage } from "@/lib/chat/message-actions";
import { sendMessage } from "@/lib/chat/messages";
import type { ConversationDto, MessageDto } from "@/lib/chat/present";
import {
  addByUsernameSchema,
  conversationRefSchema,
  directConversationSchema,
  editMessageActionSchema,
  groupFormSchema,
  messageRefSchema,
  olderMessagesSchema,
  reactionSchema,
  readMarkerSchema,
  removeMemberSchema,
  renameGroupFormSchema,
  searchSchema,
  sendMessageSchema,
} from "@/lib/chat/schemas";
import { searchMessages } from "@/lib/chat/search";
import { resolveUsernames } from "@/lib/chat/users";
import { InvalidInput, parseActionInput, userActionResult } from "@/lib/auth/server-action";
import type { ActionResult } from "@/lib/web/action-result";

/** Opens the 1-on-1 with another user, creating it only if the pair has none yet. */
export async function openDirectConversation(input: unknown): Promise<ActionResult<ConversationDto>> {
  return userActionResult(async (user) => {
    const { user_id } = parseActionInput(directConversationSchema, input);
    return (await createConversation(user.id, { member_ids: [user_id], title: "", is_group: false })).conversation;
  });
}

export async function createGroupConversation(input: unknown): Promise<ActionResult<ConversationDto>> {
  return userActionResult(async (user) => {
    const form = parseActionInput(groupFormSchema, input);
    const { users, unknown } = await resolveUsernames(form.usernames);
    if (unknown.length > 0) {
      const message = `Unknown username${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`;
      throw new InvalidInput(message, { usernames: message });
    }
    const others = users.filter((member) => member.id !== user.id).map((member) => member.id);
    if (others.length === 0) {
      throw new InvalidInput("Name at least one other member", { usernames: "Name at least one other member" });
    }
    return (await createConversation(user.id, { member_ids: others, title: form.title, is_group: true })).conversation;
  });
}

/** Stores a message from the signed-in user; every member's open WebSockets receive it too. */
export async function postMessage(input: unknown): Promise<ActionResult<MessageDto>> {
  return userActionResult(async (user) => {
    // next-auth has checked the web session's row for this request (lib/auth/next-auth).
    return (await sendMessage(user.id, parseActionInput(sendMessageSchema, input), null)).message;
  });
}

export async function loadOlderMessages(input: unknown): Promise<ActionResult<HistoryPage>> {
  return userActionResult(async (user) => {
    const { conversation_id, before, limit } = parseActionInput(olderMessagesSchema, input);
    return listHistory(user.id, conversation_id, { before, limit });
  });
}

/** A conversation the browser learned about from a live message it had no details for. */
export async function loadConversation(input: unknown): Promise<ActionResult<ConversationDto>> {
  return userActionResult(async (user) => {
    const { conversation_id } = parseActionInput(conversationRefSchema, input);
    return getConversation(user.id, conversation_id);
  });
}

export async function renameGroupConversation(input: unknown): Promise<ActionResult<ConversationDto>> {
  return userActionResult(async (user) => {
    const { conversation_id, title } = parseActionInput(renameGroupFormSchema, input);
    return (await renameGroup(user.id, conversation_id, { title })).conversation;
  });
}

/** Adds people to a group by username, as the group info panel names them. */
export async function addGroupMembers(input: unknown): Promise<ActionResult<ConversationDto>> {
  return userActionResult(async (user) => {
    const { conversation_id, usernames } = parseActionInput(addByUsernameSchema, input);
    const { users, unknown } = await resolveUsernames(usernames);
    if (unknown.length > 0) {
      const message = `Unknown username${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`;
      throw new InvalidInput(message, { usernames: message });
    }
    return (await addMembers(user.id, conversation_id, { member_ids: users.map((member) => member.id) })).conversation;
  });
}

/** Removes someone from a group, or the user themselves (leaving: null). */
export async function removeGroupMember(input: unknown): Promise<ActionResult<ConversationDto | null>> {
  return userActionResult(async (user) => {
    const { conversation_id, user_id } = parseActionInput(removeMemberSchema, input);
    return (await removeMember(user.id, conversation_id, user_id)).conversation;
  });
}

/** Edits one of the signed-in user's messages; every member's devices receive the new state. */
export async function editMessageAction(input: unknown): Promise<ActionResult<MessageDto>> {
  return userActionResult(async (user) => {
    const { id, content } = parseActionInput(editMessageActionSchema, input);
    return (await editMessage(user.id, id, content)).message;
  });
}

/** The original a loaded reply quotes, when it is older than the history loaded. */
export async function loadQuotedMessage(input: unknown): Promise<ActionResult<MessageDto>> {
  return userActionResult(async (user) => readMessage(user.id, parseActionInput(messageRefSchema, input).id));
}

export async function deleteMessageAction(input: unknown): Promise<ActionResult<MessageDto>> {
  return userActionResult(async (user) => {
    const { id } = parseActionInput(messageRefSchema, input);
    return (await deleteMessage(user.id, id)).message;
  });
}

/** Adds (on) or removes the signed-in user's reaction. */
export async function reactAction(input: unknown): Promise<ActionResult<MessageDto>> {
  return userActionResult(async (user) => {
    const { id, emoji, on } = parseActionInput(reactionSchema, input);
    return (await reactToMessage(user.id, id, emoji, on)).message;
  });
}

export async function searchAction(input: unknown): Promise<ActionResult<MessageDto[]>> {
  return userActionResult(async (user) => searchMessages(user.id, parseActionInput(searchSchema, input)));
}

/** Moves the read marker where no WebSocket carries it (the event stream only listens). */
export async function markReadAction(input: unknown): Promise<ActionResult<number>> {
  return userActionResult(async (user) => {
    const { conversation_id, seq } = parseActionInput(readMarkerSchema.extend(conversationRefSchema.shape), input);
    return (await markRead(user.id, conversation_id, seq)).receipt.seq;
  });
}

/** Tells the other members the user is typing, for a page whose WebSocket is not open (the event-stream fallback). */
export async function typingAction(input: unknown): Promise<ActionResult<null>> {
  return userActionResult(async (user) => {
    const { conversation_id } = parseActionInput(conversationRefSchema, input);
    await announceTyping(user.id, conversation_id);
    return null;
  });
}
