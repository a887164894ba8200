import { setImmediate as nextTurn } from "node:timers/promises";

import { describe, expect, it, vi } from "vitest";

import { TYPING_INTERVAL_MS } from "@/lib/chat/awareness";
import type { Announcement } from "@/lib/db/repository";
import { Hub, type HubListener } from "@/lib/realtime/hub";

function announcement(seq: number, memberIds: string[]): Announcement {
  return {
    event: { conversationId: "c", seq, type: "message", createdAt: new Date(0).toISOString(), message: null, data: null },
    memberIds,
  };
}

function listener(event: HubListener["event"], signal: HubListener["signal"] = () => undefined): HubListener {
  return { event, signal };
}

describe("Hub", () => {
  it("delivers an announcement to every listener of every member, and to no one else", () => {
    const hub = new Hub();
    const heard: string[] = [];
    hub.subscribe("alice", listener(() => heard.push("alice phone")));
    hub.subscribe("alice", listener(() => heard.push("alice laptop")));
    hub.subscribe("bob", listener(() => heard.push("bob")));
    hub.subscribe("eve", listener(() => heard.push("eve")));
    hub.deliver(announcement(1, ["alice", "bob"]));
    expect(heard.sort()).toEqual(["alice laptop", "alice phone", "bob"]);
  });

  it("keeps announcement order for each listener", () => {
    const hub = new Hub();
    const seqs: number[] = [];
    hub.subscribe("alice", listener(({ event }) => seqs.push(event.seq)));
    for (let seq = 1; seq <= 5; seq++) hub.deliver(announcement(seq, ["alice"]));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it("stops delivering to a listener once it unsubscribes", () => {
    const hub = new Hub();
    const seqs: number[] = [];
    const alice = listener(({ event }) => seqs.push(event.seq));
    hub.subscribe("alice", alice);
    hub.deliver(announcement(1, ["alice"]));
    hub.unsubscribe("alice", alice);
    hub.deliver(announcement(2, ["alice"]));
    expect(seqs).toEqual([1]);
  });

  it("spreads a fan-out larger than one turn's budget over several turns, in order", async () => {
    const hub = new Hub();
    const members = Array.from({ length: 1200 }, (_, i) => `user${i}`);
    const heard: string[] = [];
    for (const member of members) hub.subscribe(member, listener(() => heard.push(member)));
    hub.deliver(announcement(1, members));
    expect(heard.length).toBe(500);
    await nextTurn();
    expect(heard.length).toBe(1000);
    await nextTurn();
    expect(heard).toEqual(members);
  });

  it("hands a signal to every listener of its recipients only, at once", () => {
    const hub = new Hub();
    const heard: string[] = [];
    hub.subscribe("alice", listener(() => undefined, (payload) => heard.push(`alice ${payload.type}`)));
    hub.subscribe("bob", listener(() => undefined, (payload) => heard.push(`bob ${payload.type}`)));
    hub.signal({ recipientIds: ["bob"], payload: { type: "read" } });
    expect(heard).toEqual(["bob read"]);
  });

  it("passes on typing once per user and conversation per interval, however many instances sent it", () => {
    vi.useFakeTimers();
    try {
      const hub = new Hub();
      const heard: unknown[] = [];
      hub.subscribe("bob", listener(() => undefined, (payload) => heard.push(payload)));
      const typing = (conversationId: string) => ({ recipientIds: ["bob"], payload: { type: "typing", conversation_id: conversationId, user_id: "alice" } });
      hub.signal(typing("c-typing-1"));
      hub.signal(typing("c-typing-1"));
      hub.signal(typing("c-typing-2"));
      vi.advanceTimersByTime(TYPING_INTERVAL_MS);
      hub.signal(typing("c-typing-1"));
      expect(heard).toEqual([typing("c-typing-1").payload, typing("c-typing-2").payload, typing("c-typing-1").payload]);
    } finally {
      vi.useRealTimers();
    }
  });
});
