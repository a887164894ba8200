import { afterEach, describe, expect, it, vi } from "vitest";

import type { ConversationDto, MessageDto } from "@/lib/chat/present";
import { AwarenessStore, TYPING_SHOWN_MS, unreadTotal } from "@/lib/web/awareness-store";

import { messageDto } from "../support/dtos";

const ME = "user-me";
const OTHER = "user-other";

afterEach(() => {
  vi.useRealTimers();
});

function conversation(id: string, overrides: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id,
    title: "",
    is_group: false,
    members: [
      { id: ME, username: "me", full_name: null, online: true, last_seen_at: "2026-01-01T00:00:00.000Z" },
      { id: OTHER, username: "other", full_name: null, online: false, last_seen_at: "2026-01-01T00:00:00.000Z" },
    ],
    member_ids: [ME, OTHER],
    created_at: "2026-01-01T00:00:00.000Z",
    created_by: null,
    last_seq: 0,
    last_message: null,
    last_read_seq: 0,
    unread_count: 0,
    ...overrides,
  };
}

function message(seq: number, sender = OTHER, overrides: Partial<MessageDto> = {}): MessageDto {
  return messageDto(seq, { sender_id: sender, ...overrides });
}

describe("AwarenessStore", () => {
  it("starts from the server's read markers and unread counts", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1", { last_read_seq: 3, unread_count: 2 }), conversation("c2")]);
    expect(store.getSnapshot().readSeq.get("c1")).toBe(3);
    expect(unreadTotal(store.getSnapshot().unread)).toBe(2);
  });

  it("counts live messages by others after the marker, not the user's own", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1", { last_read_seq: 1 })]);
    store.receiveMessage(message(2));
    store.receiveMessage(message(3, ME));
    expect(store.getSnapshot().unread.get("c1")).toBe(1);
  });

  it("does not count a message that arrived under the reader's eyes", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1")]);
    store.receiveMessage(message(1), true);
    expect(store.getSnapshot().unread.get("c1")).toBe(0);
  });

  it("keeps counting a live message that a server render started before it did not see", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1", { last_seq: 1 })]);
    store.receiveMessage(message(2));
    store.receiveMessage(message(3));
    // Rendered when the conversation had reached seq 2: it counts 2, not 3.
    store.absorbConversations([conversation("c1", { last_seq: 2, unread_count: 1 })]);
    expect(store.getSnapshot().unread.get("c1")).toBe(2);
    store.absorbConversations([conversation("c1", { last_seq: 3, unread_count: 2 })]);
    expect(store.getSnapshot().unread.get("c1")).toBe(2);
  });

  it("takes a deleted unread message by someone else out of the count, and nothing else", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1", { last_read_seq: 2, unread_count: 2 })]);
    store.receiveUpdate(message(2, OTHER, { deleted: true, content: "" }), 5);
    store.receiveUpdate(message(4, ME, { deleted: true, content: "" }), 6);
    store.receiveUpdate(message(3, OTHER, { content: "edited" }), 7);
    expect(store.getSnapshot().unread.get("c1")).toBe(2);
    store.receiveUpdate(message(3, OTHER, { deleted: true, content: "" }), 8);
    expect(store.getSnapshot().unread.get("c1")).toBe(1);
  });

  it("keeps a deletion heard live out of the count when a server render from before it still counts the message", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1", { last_seq: 3, last_read_seq: 1, unread_count: 2 })]);
    store.receiveUpdate(message(3, OTHER, { deleted: true, content: "" }), 4);
    expect(store.getSnapshot().unread.get("c1")).toBe(1);
    // Rendered when the conversation had reached seq 3: the deletion at 4 is not in its count.
    store.absorbConversations([conversation("c1", { last_seq: 3, last_read_seq: 1, unread_count: 2 })]);
    expect(store.getSnapshot().unread.get("c1")).toBe(1);
    store.absorbConversations([conversation("c1", { last_seq: 4, last_read_seq: 1, unread_count: 1 })]);
    expect(store.getSnapshot().unread.get("c1")).toBe(1);
  });

  it("takes a message that arrived and was deleted live out of the count once, whatever render comes after", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1", { last_seq: 1, last_read_seq: 1, unread_count: 0 })]);
    store.receiveMessage(message(2));
    store.receiveUpdate(message(2, OTHER, { deleted: true, content: "" }), 3);
    expect(store.getSnapshot().unread.get("c1")).toBe(0);
    for (const [renderedTo, counted] of [
      [1, 0],
      [2, 1],
      [3, 0],
    ] as const) {
      store.absorbConversations([conversation("c1", { last_seq: renderedTo, last_read_seq: 1, unread_count: counted })]);
      expect(store.getSnapshot().unread.get("c1"), `rendered to ${renderedTo}`).toBe(0);
    }
  });

  it("counts nothing of a conversation the user left or was removed from", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1", { last_read_seq: 1, unread_count: 3 }), conversation("c2", { unread_count: 1 })]);
    store.forget("c1");
    expect(unreadTotal(store.getSnapshot().unread)).toBe(1);
    expect(store.getSnapshot().readSeq.has("c1")).toBe(false);
  });

  it("clears what the user's own read marker passed, from this device or another", () => {
    const store = new AwarenessStore(ME);
    store.absorbConversations([conversation("c1", { unread_count: 3 })]);
    store.receiveRead({ conversation_id: "c1", user_id: ME, seq: 5 }, () => 0);
    expect(store.getSnapshot().unread.get("c1")).toBe(0);
    expect(store.getSnapshot().readSeq.get("c1")).toBe(5);
  });

  it("does not let an older server listing move the read marker back", () => {
    const store = new AwarenessStore(ME);
    store.receiveRead({ conversation_id: "c1", user_id: ME, seq: 5 }, () => 0);
    store.absorbConversations([conversation("c1", { last_read_seq: 2, unread_count: 3 })]);
    expect(store.getSnapshot().readSeq.get("c1")).toBe(5);
    expect(store.getSnapshot().unread.get("c1")).toBe(0);
  });

  it("remembers how far each other member has read, only forwards", () => {
    const store = new AwarenessStore(ME);
    store.receiveRead({ conversation_id: "c1", user_id: OTHER, seq: 4 }, () => 0);
    store.receiveRead({ conversation_id: "c1", user_id: OTHER, seq: 2 }, () => 0);
    expect(store.getSnapshot().readBy.get("c1")?.get(OTHER)).toBe(4);
  });

  it("takes the others' read markers from the server render without moving one back", () => {
    const store = new AwarenessStore(ME);
    store.receiveRead({ conversation_id: "c1", user_id: OTHER, seq: 4 }, () => 0);
    store.absorbReadMarkers("c1", { [OTHER]: 2, [ME]: 9 });
    expect([...(store.getSnapshot().readBy.get("c1") ?? [])]).toEqual([[OTHER, 4]]);
  });

  it("shows someone typing for a few seconds, or until their message arrives", () => {
    vi.useFakeTimers();
    const store = new AwarenessStore(ME);
    store.receiveTyping({ conversation_id: "c1", user_id: OTHER });
    expect(store.getSnapshot().typing.get("c1")).toEqual([OTHER]);
    vi.advanceTimersByTime(TYPING_SHOWN_MS);
    expect(store.getSnapshot().typing.get("c1")).toEqual([]);
    store.receiveTyping({ conversation_id: "c1", user_id: OTHER });
    store.receiveMessage(message(1));
    expect(store.getSnapshot().typing.get("c1")).toEqual([]);
  });

  it("takes presence from listings and frames, the newest word winning", () => {
    const store = new AwarenessStore(ME);
    store.receivePresence({ user_id: OTHER, online: true, last_seen_at: "2026-02-01T00:00:00.000Z" });
    store.absorbConversations([conversation("c1")]);
    expect(store.getSnapshot().presence.get(OTHER)?.online).toBe(true);
  });
});
