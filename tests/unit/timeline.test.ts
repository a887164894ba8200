import { describe, expect, it } from "vitest";

import type { MessageDto } from "@/lib/chat/present";
import type { GroupChange, PendingMessage } from "@/lib/web/chat-store";
import { utcDay } from "@/lib/web/message-layout";
import { BLOCK_SEQS, buildTimeline, sameEntries, type StoredEntry, type TimelineInput } from "@/lib/web/timeline";

import { messageDto } from "../support/dtos";

const ME = "me";
const ANN = "ann";

function message(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return messageDto(seq, { sender_id: ANN, created_at: "2026-03-04T10:00:00.000Z", ...overrides });
}

function renamed(seq: number): GroupChange {
  return {
    seq,
    conversation_id: "c1",
    conversation: { id: "c1", title: "Renamed", is_group: true, created_by: ME, member_ids: [ME, ANN], members: [] },
    change: "renamed",
    actor_id: ANN,
    user_ids: [],
  };
}

function timeline(overrides: Partial<TimelineInput>) {
  return buildTimeline({
    meId: ME,
    messages: [],
    originals: new Map(),
    changes: [],
    pending: [],
    hasOlder: false,
    moderates: false,
    lineAfter: null,
    seenSeq: null,
    nameOf: (userId) => (userId === ME ? "You" : "Ann"),
    dayOf: utcDay,
    ...overrides,
  });
}

const stored = (entries: { entries: unknown[] }[]) => entries.flatMap((block) => block.entries) as StoredEntry[];

describe("buildTimeline", () => {
  it("cuts the history into blocks by seq, so a new message joins only the last block", () => {
    const messages = Array.from({ length: 2 * BLOCK_SEQS + 3 }, (_, index) => message(index + 1));
    const { blocks } = timeline({ messages });
    expect(blocks.map((block) => block.key)).toEqual(["block-0", "block-1", "block-2"]);
    expect(blocks.flatMap((block) => block.entries.map((entry) => entry.seq))).toEqual(messages.map((item) => item.seq));
    expect(blocks.map((block) => block.entries.length)).toEqual([BLOCK_SEQS - 1, BLOCK_SEQS, 4]);
  });

  it("puts a group change between the messages around its seq, and it parts a run of one sender", () => {
    const { blocks } = timeline({ messages: [message(1), message(3)], changes: [renamed(2)] });
    const entries = blocks.flatMap((block) => block.entries);
    expect(entries.map((entry) => entry.kind)).toEqual(["stored", "system", "stored"]);
    expect(entries[1]).toMatchObject({ text: "Ann renamed the group to “Renamed”" });
    expect((entries[2] as StoredEntry).grouped).toBe(false);
  });

  it("holds a change older than the loaded history back until that history is loaded", () => {
    expect(timeline({ messages: [message(5)], changes: [renamed(2)], hasOlder: true }).blocks.flatMap((block) => block.entries)).toHaveLength(1);
    expect(timeline({ messages: [message(5)], changes: [renamed(2)], hasOlder: false }).blocks.flatMap((block) => block.entries)).toHaveLength(2);
  });

  it("marks Seen under the user's last message only once the other person has read it", () => {
    const messages = [message(1, { sender_id: ME }), message(2, { sender_id: ME }), message(3)];
    expect(stored(timeline({ messages, seenSeq: 1 }).blocks).map((entry) => entry.seen)).toEqual([false, false, false]);
    expect(stored(timeline({ messages, seenSeq: 2 }).blocks).map((entry) => entry.seen)).toEqual([false, true, false]);
  });

  it("quotes the loaded original of a reply by its sender's name, and lets the user or the group's creator delete", () => {
    const messages = [message(1, { sender_id: ME, content: "original" }), message(2, { reply_to: "m1" }), message(3, { reply_to: "gone" })];
    const [, reply, orphan] = stored(timeline({ messages }).blocks);
    expect(reply!.quoted).toEqual({ sender: "You", content: "original", deleted: false });
    expect(orphan!.quoted).toBeNull();
    expect(stored(timeline({ messages }).blocks).map((entry) => entry.canDelete)).toEqual([true, false, false]);
    expect(stored(timeline({ messages, moderates: true }).blocks).every((entry) => entry.canDelete)).toBe(true);
  });

  it("lists messages still being sent after the stored ones, with a day separator only on a new day", () => {
    const pending: PendingMessage = { message_id: "p1", conversation_id: "c1", content: "sending", attachments: [], created_at: "2026-03-04T10:01:00.000Z", reply_to: null, failed: false };
    expect(timeline({ messages: [message(1)], pending: [pending] }).pending).toEqual([{ kind: "pending", key: "p1", message: pending, newDay: false }]);
    expect(timeline({ messages: [message(1)], pending: [{ ...pending, created_at: "2026-03-06T10:01:00.000Z" }] }).pending[0]!.newDay).toBe(true);
  });
});

describe("sameEntries", () => {
  it("finds a block rebuilt from the same messages the same, so it is not rendered again", () => {
    const messages = [message(1), message(2)];
    expect(sameEntries(timeline({ messages }).blocks[0]!.entries, timeline({ messages }).blocks[0]!.entries)).toBe(true);
  });

  it("finds a block different when a message in it changed, or a mark moved onto it", () => {
    const messages = [message(1, { sender_id: ME }), message(2)];
    const before = timeline({ messages }).blocks[0]!.entries;
    expect(sameEntries(before, timeline({ messages: [messages[0]!, { ...messages[1]!, content: "edited" }] }).blocks[0]!.entries)).toBe(false);
    expect(sameEntries(before, timeline({ messages, seenSeq: 1 }).blocks[0]!.entries)).toBe(false);
    expect(sameEntries(before, timeline({ messages: [...messages, message(3)] }).blocks[0]!.entries)).toBe(false);
  });

  it("quotes an original older than the loaded history once it is loaded apart", () => {
    const messages = [message(60, { reply_to: "m1" })];
    const originals = new Map([["m1", message(1, { content: "long ago" })]]);
    expect(stored(timeline({ messages, originals }).blocks)[0]!.quoted).toEqual({ sender: "Ann", content: "long ago", deleted: false });
  });

  it("finds a reply different when the message it quotes was edited", () => {
    const original = message(1, { content: "before" });
    const reply = message(2, { reply_to: "m1" });
    const before = timeline({ messages: [original, reply] }).blocks[0]!.entries;
    const after = timeline({ messages: [{ ...original, content: "after" }, reply] }).blocks[0]!.entries;
    expect(sameEntries(before.slice(1), after.slice(1))).toBe(false);
  });
});
