import { getConversation, requireKnownUsers, requireMembership } from "@/lib/chat/conversations";
import { DomainError } from "@/lib/chat/errors";
import type { ConversationDto } from "@/lib/chat/present";
import type { AddMembersInput, RenameConversationInput } from "@/lib/chat/schemas";
import { getRepository } from "@/lib/db";
import type { ConversationChange, ConversationRow } from "@/lib/db/repository";

/** The group the caller belongs to; a 1-on-1 is between its two people for good. */
async function requireGroup(callerId: string, conversationId: string): Promise<Pick<ConversationRow, "createdBy">> {
  await requireMembership(conversationId, callerId);
  const conversation = await (await getRepository()).findConversation(conversationId);
  if (!conversation) throw new DomainError("not_found", "Conversation not found");
  if (!conversation.isGroup) throw new DomainError("conflict", "A 1-on-1 conversation cannot be renamed or change members");
  return conversation;
}

/** The answer to a change of a group, whichever entrance it came through. */
export interface ChangedGroup<Conversation = ConversationDto> {
  /** The group as the caller now sees it. */
  conversation: Conversation;
  /** False when it already was so: nothing was stored or announced. */
  changed: boolean;
}

/** Applies the change as the caller; false when it changed nothing. */
async function change(callerId: string, conversationId: string, change: ConversationChange): Promise<boolean> {
  const result = await (await getRepository()).changeConversation(conversationId, callerId, change, new Date().toISOString());
  if (result.outcome === "no_conversation") throw new DomainError("not_found", "Conversation not found");
  if (result.outcome === "not_member") throw new DomainError("forbidden", "You are not a member of this conversation");
  return result.outcome === "changed";
}

/** Any member may rename a group; every member hears it as a `conversation_updated` event. */
export async function renameGroup(callerId: string, conversationId: string, input: RenameConversationInput): Promise<ChangedGroup> {
  await requireGroup(callerId, conversationId);
  const changed = await change(callerId, conversationId, { kind: "renamed", title: input.title });
  return { conversation: await getConversation(callerId, conversationId), changed };
}

/** Any member may add people to a group; those already in it are left as they are. */
export async function addMembers(callerId: string, conversationId: string, input: AddMembersInput): Promise<ChangedGroup> {
  await requireGroup(callerId, conversationId);
  await requireKnownUsers(input.member_ids);
  const changed = await change(callerId, conversationId, { kind: "members_added", userIds: input.member_ids });
  return { conversation: await getConversation(callerId, conversationId), changed };
}

/**
 * Removes a member from a group: anyone may remove themselves (leave), only the group's
 * creator may remove others. The group is null for the caller once they left; removing someone
 * who is not a member is refused, so a removal always changes something.
 */
export async function removeMember(callerId: string, conversationId: string, userId: string): Promise<ChangedGroup<ConversationDto | null>> {
  const group = await requireGroup(callerId, conversationId);
  const leaving = userId === callerId;
  if (!leaving && group.createdBy !== callerId) throw new DomainError("forbidden", "Only the group's creator may remove others");
  if (!(await change(callerId, conversationId, { kind: "member_removed", userId }))) {
    throw new DomainError("not_found", "That user is not a member of this conversation");
  }
  return { conversation: leaving ? null : await getConversation(callerId, conversationId), changed: true };
}
