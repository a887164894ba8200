import { randomUUID } from "node:crypto";

import { DomainError } from "@/lib/chat/errors";
import { presentConversation, type ConversationDto } from "@/lib/chat/present";
import type { CreateConversationInput } from "@/lib/chat/schemas";
import { getRepository } from "@/lib/db";

export interface CreatedConversation {
  conversation: ConversationDto;
  created: boolean;
}

export async function listConversations(userId: string): Promise<ConversationDto[]> {
  return (await (await getRepository()).listConversationsOf(userId)).map(presentConversation);
}

/**
 * The caller is always a member. Two members make a 1-on-1, which exists at most once per
 * pair (asking again returns it); more members, or is_group, make a group.
 */
export async function createConversation(
  callerId: string,
  input: CreateConversationInput,
): Promise<CreatedConversation> {
  const repository = await getRepository();
  const memberIds = [...new Set([callerId, ...input.member_ids])];
  if (memberIds.length < 2) {
    throw new DomainError("invalid", "member_ids: must name at least one other member");
  }
  if (input.is_group === false && memberIds.length > 2) {
    throw new DomainError("invalid", "is_group: a 1-on-1 is between the caller and exactly one other member");
  }
  await requireKnownUsers(memberIds);

  const isGroup = input.is_group ?? memberIds.length > 2;
  const row = {
    id: randomUUID(),
    title: isGroup ? input.title : "",
    isGroup,
    directKey: isGroup ? null : [...memberIds].sort().join(":"),
    createdBy: callerId,
    lastSeq: 0,
    createdAt: new Date().toISOString(),
  };
  let id: string = row.id;
  let created = true;
  if (isGroup) {
    await repository.insertGroup(row, memberIds);
  } else {
    ({ id, created } = await repository.findOrInsertDirect(row, memberIds));
  }
  const conversation = await repository.findConversation(id);
  if (!conversation) throw new Error(`conversation ${id} vanished after creation`);
  return { conversation: presentConversation(conversation), created };
}

/** Resolves when every id names a user. */
export async function requireKnownUsers(ids: string[]): Promise<void> {
  const known = new Set((await (await getRepository()).findUsersByIds(ids)).map((user) => user.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new DomainError("not_found", `Unknown user id(s): ${unknown.join(", ")}`);
}

/** Resolves when the user is a member; otherwise says whether the conversation is unknown or closed to them. */
export async function requireMembership(conversationId: string, userId: string): Promise<void> {
  const repository = await getRepository();
  if (await repository.isMember(conversationId, userId)) return;
  if (!(await repository.findConversation(conversationId))) {
    throw new DomainError("not_found", "Conversation not found");
  }
  throw new DomainError("forbidden", "You are not a member of this conversation");
}

/** One conversation of the caller, with its members. */
export async function getConversation(callerId: string, conversationId: string): Promise<ConversationDto> {
  await requireMembership(conversationId, callerId);
  const conversation = await (await getRepository()).findConversation(conversationId);
  if (!conversation) throw new DomainError("not_found", "Conversation not found");
  return presentConversation(conversation);
}
