import { describe, expect, it } from "vitest";

import { addMembers, removeMember, renameGroup } from "@/lib/chat/groups";
import { listHistory } from "@/lib/chat/history";

import { createGroup, send, signUpAll } from "./in-process";

/**
 * A group whose events are: 1 message, 2 rename, 3 message, 4 dave added, 5 carol removed,
 * 6 message.
 */
async function eventfulGroup() {
  const { alice, carol, conversationId } = await createGroup();
  const [dave] = await signUpAll(["dave"]);
  await send(alice, conversationId);
  await renameGroup(alice, conversationId, { title: "renamed" });
  await send(alice, conversationId);
  await addMembers(alice, conversationId, { member_ids: [dave!] });
  await removeMember(alice, conversationId, carol);
  await send(alice, conversationId);
  return { alice, conversationId };
}

/** The timeline a reload shows, on whichever database the test file opened. */
export function describeHistory(): void {
  describe("a page of history", () => {
    it("brings the group changes among and after its messages, and every earlier one when it reaches the start", async () => {
      const { alice, conversationId } = await eventfulGroup();
      const page = await listHistory(alice, conversationId, { limit: 50 });
      expect(page.messages.map((message) => message.seq)).toEqual([1, 3, 6]);
      expect(page.changes.map((change) => [change.seq, change.change])).toEqual([
        [2, "renamed"],
        [4, "members_added"],
        [5, "member_removed"],
      ]);
      expect(page.changes[0]).toMatchObject({ conversation_id: conversationId, actor_id: alice, conversation: { title: "renamed" } });
      expect(page.reaches_start).toBe(true);
    });

    it("leaves the changes before a full page to the older page that reaches them", async () => {
      const { alice, conversationId } = await eventfulGroup();
      const latest = await listHistory(alice, conversationId, { limit: 2 });
      expect([latest.messages.map((message) => message.seq), latest.changes.map((change) => change.seq), latest.reaches_start]).toEqual([[3, 6], [4, 5], false]);
      const older = await listHistory(alice, conversationId, { limit: 2, before: 3 });
      expect([older.messages.map((message) => message.seq), older.changes.map((change) => change.seq), older.reaches_start]).toEqual([[1], [2], true]);
    });
  });
}
