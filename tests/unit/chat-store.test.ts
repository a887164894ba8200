import { describe, expect, it } from "vitest";

import type { ConversationDto, MessageDto } from "@/lib/chat/present";
import { ChatStore, type GroupChange } from "@/lib/web/chat-store";

import { messageDto } from "../support/dtos";

const ME = "user-me";
const OTHER = "user-other";

function conversation(id: string, overrides: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id,
    title: "",
    is_group: false,
    created_by: null,
    members: [
      { id: ME, username: "me", full_name: null, online: false, last_seen_at: null },
      { id: OTHER, username: "other", full_name: null, online: false, last_seen_at: null },
    ],
    member_ids: [ME, OTHER],
    created_at: "2026-01-01T00:00:00.000Z",
    last_seq: 0,
    last_message: null,
    ...overrides,
  };
}

function message(conversationId: string, seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return messageDto(seq, {
    id: `${conversationId}-m${seq}`,
    message_id: `${conversationId}-k${seq}`,
    sender_id: OTHER,
    conversation_id: conversationId,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
    ...overrides,
  });
}

describe("ChatStore", () => {
  it("keeps a message that arrives several times once, in seq order", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1")]);
    store.absorbMessages("c1", [message("c1", 1), message("c1", 3)]);
    store.receive(message("c1", 2));
    store.receive(message("c1", 3));
    store.absorbMessages("c1", [message("c1", 1), message("c1", 2)]);
    expect(store.getSnapshot().messages.c1!.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("replaces an optimistic message by the stored one with the same message_id", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1")]);
    store.addPending({ message_id: "key-1", conversation_id: "c1", content: "hi", attachments: [], created_at: "2026-01-01T00:00:00.000Z", reply_to: null });
    expect(store.getSnapshot().pending).toHaveLength(1);
    store.receive(message("c1", 1, { message_id: "key-1", sender_id: ME, content: "hi" }));
    expect(store.getSnapshot().pending).toEqual([]);
    expect(store.getSnapshot().messages.c1!.map((m) => m.content)).toEqual(["hi"]);
  });

  it("keeps an optimistic message when someone else's message carries the same message_id", () => {
    const store = new ChatStore(ME);
    store.addPending({ message_id: "shared-key", conversation_id: "c1", content: "mine", attachments: [], created_at: "2026-01-01T00:00:00.000Z", reply_to: null });
    store.receive(message("c1", 1, { message_id: "shared-key", sender_id: OTHER }));
    expect(store.getSnapshot().pending.map((m) => m.content)).toEqual(["mine"]);
  });

  it("says when a message belongs to a conversation it does not know yet", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("known")]);
    expect(store.receive(message("known", 1))).toBe(true);
    expect(store.receive(message("new", 1))).toBe(false);
    store.absorbConversations([conversation("new", { last_seq: 0 })]);
    expect(store.getSnapshot().conversations.find((c) => c.id === "new")?.last_message?.content).toBe("message 1");
  });

  it("lists the most recently active conversation first", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("quiet"), conversation("busy")]);
    store.receive(message("busy", 1));
    expect(store.getSnapshot().conversations.map((c) => c.id)).toEqual(["busy", "quiet"]);
    store.receive(message("quiet", 1, { created_at: "2026-02-01T00:00:00.000Z" }));
    expect(store.getSnapshot().conversations.map((c) => c.id)).toEqual(["quiet", "busy"]);
  });

  it("resumes catch-up after the last seq known per conversation", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1", { last_seq: 4 }), conversation("c2")]);
    store.receive(message("c1", 5));
    store.receive(message("c3", 2));
    expect(store.cursors()).toEqual({ c1: 5, c2: 0, c3: 2 });
  });

  it("gives subscribers a new snapshot on every change and the same one otherwise", () => {
    const store = new ChatStore(ME);
    let notified = 0;
    store.subscribe(() => notified++);
    const before = store.getSnapshot();
    expect(store.getSnapshot()).toBe(before);
    store.setStatus("online");
    expect(notified).toBe(1);
    expect(store.getSnapshot()).not.toBe(before);
    expect(store.getSnapshot().status).toBe("online");
  });

  it("applies a message_updated frame to the message with its id and moves the cursor to the event's seq", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1")]);
    store.receive(message("c1", 1));
    store.receive(message("c1", 2));
    const edited = message("c1", 1, { content: "edited", edited_at: "2026-01-02T00:00:00.000Z" });
    expect(store.receiveUpdate({ type: "message_updated", seq: 3, conversation_id: "c1", message: edited })).toBe(true);
    expect(store.getSnapshot().messages.c1!.map((m) => m.content)).toEqual(["edited", "message 2"]);
    expect(store.cursors()).toEqual({ c1: 3 });
  });

  it("updates the preview when the last message changes", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1")]);
    store.receive(message("c1", 1));
    store.receiveUpdate({ type: "message_updated", seq: 2, conversation_id: "c1", message: message("c1", 1, { content: "", deleted: true }) });
    expect(store.getSnapshot().conversations[0]!.last_message).toMatchObject({ deleted: true });
  });

  it("does not insert an updated message it has not loaded", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1", { last_seq: 50 })]);
    store.receive(message("c1", 51));
    store.receiveUpdate({ type: "message_updated", seq: 52, conversation_id: "c1", message: message("c1", 3, { content: "old, edited" }) });
    expect(store.getSnapshot().messages.c1!.map((m) => m.seq)).toEqual([51]);
  });

  it("keeps an original loaded for a reply up to date with its edits and deletion, and forgets it with its conversation", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1", { last_seq: 60 })]);
    store.absorbOriginal(message("c1", 3, { content: "old" }));
    store.receiveUpdate({ type: "message_updated", seq: 61, conversation_id: "c1", message: message("c1", 3, { content: "old, edited" }) });
    expect(store.getSnapshot().originals.get("c1-m3")).toMatchObject({ content: "old, edited" });
    store.receiveUpdate({ type: "message_updated", seq: 62, conversation_id: "c1", message: message("c1", 3, { content: "", deleted: true }) });
    expect(store.getSnapshot().originals.get("c1-m3")).toMatchObject({ deleted: true });
    expect(store.getSnapshot().messages.c1 ?? []).toEqual([]);
    store.forget("c1");
    expect(store.getSnapshot().originals.size).toBe(0);
  });

  it("notices a new message naming the user once, not again when it is replayed", () => {
    const store = new ChatStore(ME);
    const naming = message("c1", 1, { sender_id: OTHER, mentions: [ME] });
    expect(store.mentionsAnew(naming, true)).toBe(true);
    store.receive(naming);
    expect(store.mentionsAnew(naming, true)).toBe(false);
  });

  it("notices an edit that adds a mention of the user, but not a reaction to a message already naming them", () => {
    const store = new ChatStore(ME);
    store.receive(message("c1", 1, { sender_id: OTHER }));
    const edited = message("c1", 1, { sender_id: OTHER, mentions: [ME], edited_at: new Date(Date.now() + 1000).toISOString() });
    expect(store.mentionsAnew(edited, false)).toBe(true);
    store.receiveUpdate({ type: "message_updated", seq: 2, conversation_id: "c1", message: edited });
    const reacted = { ...edited, reactions: [{ emoji: "👍", count: 1, user_ids: [OTHER] }] };
    expect(store.mentionsAnew(reacted, false)).toBe(false);
  });

  it("notices an edit naming the user of a message not loaded here only when it was edited after the tab started", () => {
    const store = new ChatStore(ME);
    const old = message("c1", 1, { sender_id: OTHER, mentions: [ME] });
    expect(store.mentionsAnew({ ...old, reactions: [{ emoji: "👍", count: 1, user_ids: [OTHER] }] }, false)).toBe(false);
    expect(store.mentionsAnew({ ...old, edited_at: "2000-01-01T00:00:00.000Z" }, false)).toBe(false);
    const editedNow = { ...old, edited_at: new Date(Date.now() + 1000).toISOString() };
    expect(store.mentionsAnew(editedNow, false)).toBe(true);
    expect(store.mentionsAnew(editedNow, false)).toBe(false);
  });

  it("never notices the user's own messages or deleted ones", () => {
    const store = new ChatStore(ME);
    expect(store.mentionsAnew(message("c1", 1, { sender_id: ME, mentions: [ME] }), true)).toBe(false);
    expect(store.mentionsAnew(message("c1", 2, { sender_id: OTHER, mentions: [ME], deleted: true }), false)).toBe(false);
  });

  it("marks a conversation as mentioning the user until it is cleared", () => {
    const store = new ChatStore(ME);
    store.markMentioned("c1", 1);
    expect([...store.getSnapshot().mentioned]).toEqual(["c1"]);
    store.clearMentioned("c1");
    expect(store.getSnapshot().mentioned.size).toBe(0);
  });

  it("tells when an update takes back the mention that marks a conversation", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1")]);
    const naming = message("c1", 1, { mentions: [ME] });
    store.receive(naming);
    expect(store.unmentions({ ...naming, content: "edited", mentions: [ME] })).toBe(false);
    expect(store.unmentions({ ...naming, content: "edited", mentions: [] })).toBe(false);
    store.markMentioned("c1", 1);
    expect(store.unmentions({ ...naming, content: "edited", mentions: [] })).toBe(true);
    expect(store.unmentions({ ...naming, content: "", deleted: true })).toBe(true);
    expect(store.unmentions(message("c1", 2, { mentions: [], edited_at: "2026-01-01T00:05:00.000Z" }))).toBe(true);
    expect(store.unmentions(message("c1", 2, { mentions: [], reactions: [{ emoji: "👍", count: 1, user_ids: [OTHER] }] }))).toBe(false);
    expect(store.unmentions(message("c1", 3, { sender_id: ME, deleted: true }))).toBe(false);
  });

  it("marks a conversation whose unread mentions the server counts, and clears the mark once a later render counts none", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1", { last_seq: 4, unread_mentions: 1 })]);
    expect([...store.getSnapshot().mentioned]).toEqual(["c1"]);
    // Read on another device while this page was not listening.
    store.absorbConversations([conversation("c1", { last_seq: 5, unread_mentions: 0 })]);
    expect(store.getSnapshot().mentioned.size).toBe(0);
  });

  it("keeps the mark of a mention that arrived after what a server render counted", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1", { last_seq: 4, unread_mentions: 0 })]);
    store.markMentioned("c1", 5);
    store.absorbConversations([conversation("c1", { last_seq: 4, unread_mentions: 0 })]);
    expect([...store.getSnapshot().mentioned]).toEqual(["c1"]);
    // A conversation without a count (a live change, say) leaves the mark as it is.
    store.absorbConversations([conversation("c1", { last_seq: 6 })]);
    expect([...store.getSnapshot().mentioned]).toEqual(["c1"]);
    store.absorbConversations([conversation("c1", { last_seq: 6, unread_mentions: 0 })]);
    expect(store.getSnapshot().mentioned.size).toBe(0);
  });
});

function renamed(conversationId: string, seq: number, memberIds = [ME, OTHER]): GroupChange {
  return {
    seq,
    conversation_id: conversationId,
    change: "renamed",
    actor_id: OTHER,
    user_ids: [],
    conversation: {
      id: conversationId,
      title: `title ${seq}`,
      is_group: true,
      created_by: OTHER,
      member_ids: memberIds,
      members: memberIds.map((id) => ({ id, username: id, full_name: null })),
    },
  };
}

describe("ChatStore and group changes", () => {
  it("gives a conversation the title and members a change left it with, keeping known presence", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1", { members: [{ id: ME, username: "me", full_name: null, online: true, last_seen_at: null }], member_ids: [ME] })]);
    expect(store.applyChange(renamed("c1", 4, [ME, "newcomer"]))).toBe(true);
    const updated = store.getSnapshot().conversations[0]!;
    expect(updated).toMatchObject({ title: "title 4", member_ids: [ME, "newcomer"], last_seq: 4 });
    expect(updated.members.map((member) => member.online)).toEqual([true, false]);
  });

  it("keeps each change once, in seq order, for the timeline", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1")]);
    store.applyChange(renamed("c1", 3));
    store.applyChange(renamed("c1", 2));
    store.applyChange(renamed("c1", 3));
    expect(store.getSnapshot().changes.c1!.map((change) => change.seq)).toEqual([2, 3]);
  });

  it("keeps the group changes a page of history brings as timeline lines, without rewinding the conversation", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1", { title: "now", last_seq: 9 })]);
    store.absorbHistory("c1", { messages: [message("c1", 8)], changes: [renamed("c1", 7)], reaches_start: false });
    expect(store.getSnapshot().changes.c1!.map((change) => change.seq)).toEqual([7]);
    expect(store.getSnapshot().conversations[0]).toMatchObject({ title: "now", last_seq: 9 });
    expect(store.getSnapshot().complete.has("c1")).toBe(false);
  });

  it("knows there is nothing older once a page of history reaches the start", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1")]);
    store.absorbHistory("c1", { messages: [], changes: [renamed("c1", 1)], reaches_start: true });
    expect(store.getSnapshot().complete.has("c1")).toBe(true);
    store.forget("c1");
    expect(store.getSnapshot().complete.has("c1")).toBe(false);
  });

  it("says when a change is about a conversation it does not know yet", () => {
    expect(new ChatStore(ME).applyChange(renamed("new", 1))).toBe(false);
  });

  it("forgets a conversation the user was removed from, with its messages and its cursor", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1"), conversation("c2")]);
    store.receive(message("c1", 1));
    store.forget("c1");
    expect(store.getSnapshot().conversations.map((c) => c.id)).toEqual(["c2"]);
    expect(store.messagesOf("c1")).toEqual([]);
    expect(store.cursors()).toEqual({ c2: 0 });
  });

  it("applies a presence frame to that user in every conversation", () => {
    const store = new ChatStore(ME);
    store.absorbConversations([conversation("c1")]);
    store.applyPresence(OTHER, true, "2026-01-02T00:00:00.000Z");
    const other = store.getSnapshot().conversations[0]!.members.find((member) => member.id === OTHER);
    expect(other).toMatchObject({ online: true, last_seen_at: "2026-01-02T00:00:00.000Z" });
  });
});
