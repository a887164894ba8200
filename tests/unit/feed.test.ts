import { describe, expect, it } from "vitest";

import { OrderedFeed } from "@/lib/stream/feed";

const C = "conversation";

function feedWith(...seqs: number[]): OrderedFeed {
  const feed = new OrderedFeed();
  for (const seq of seqs) feed.record(C, seq);
  return feed;
}

describe("OrderedFeed", () => {
  it("delivers the first event of a conversation it has never seen, whatever its seq", () => {
    expect(new OrderedFeed().admit(C, 7)).toEqual({ kind: "deliver" });
  });

  it("delivers the event that follows the last one", () => {
    expect(feedWith(7).admit(C, 8)).toEqual({ kind: "deliver" });
  });

  it("calls an event it already gave a duplicate", () => {
    const feed = feedWith(7, 8);
    expect(feed.admit(C, 7)).toEqual({ kind: "duplicate" });
    expect(feed.admit(C, 8)).toEqual({ kind: "duplicate" });
  });

  it("asks for the gap to be filled before an event that skips ahead", () => {
    expect(feedWith(7).admit(C, 11)).toEqual({ kind: "gap", after: 7, until: 10 });
  });

  it("refuses to record an event past a hole", () => {
    expect(() => feedWith(7).record(C, 9)).toThrow(/hole/);
  });

  it("keeps conversations apart", () => {
    const feed = feedWith(3);
    expect(feed.admit("other", 1)).toEqual({ kind: "deliver" });
    expect(feed.high("other")).toBeUndefined();
  });

  it("plans a sync of an unseen conversation as everything after the cursor", () => {
    expect(new OrderedFeed().replayPlan(C, 2)).toEqual([{ after: 2, until: Infinity }]);
  });

  it("plans a sync from below what was delivered live as the missing stretch, then what follows", () => {
    expect(feedWith(6).replayPlan(C, 2)).toEqual([
      { after: 2, until: 5 },
      { after: 6, until: Infinity },
    ]);
  });

  it("plans a sync from inside what was delivered as only what follows it", () => {
    expect(feedWith(4, 5, 6).replayPlan(C, 4)).toEqual([{ after: 6, until: Infinity }]);
  });

  it("plans a sync from beyond what was delivered as what follows the cursor", () => {
    expect(feedWith(4).replayPlan(C, 9)).toEqual([{ after: 9, until: Infinity }]);
  });

  it("after a covered sync, holds everything from the cursor up", () => {
    const feed = feedWith(6);
    for (const seq of [3, 4, 5]) feed.record(C, seq);
    feed.cover(C, 2);
    expect(feed.replayPlan(C, 2)).toEqual([{ after: 6, until: Infinity }]);
    expect(feed.admit(C, 3)).toEqual({ kind: "duplicate" });
    expect(feed.admit(C, 7)).toEqual({ kind: "deliver" });
  });

  it("lets a replay from a cursor beyond what it was sent follow on, once the cursor is held", () => {
    const feed = feedWith(4);
    feed.holdsUpTo(C, 9);
    expect(() => feed.record(C, 10)).not.toThrow();
    expect(feed.admit(C, 6)).toEqual({ kind: "duplicate" });
    expect(feed.admit(C, 11)).toEqual({ kind: "deliver" });
  });

  it("leaves what it was sent as it is when a held cursor is below it", () => {
    const feed = feedWith(4, 5, 6);
    feed.holdsUpTo(C, 2);
    expect(feed.high(C)).toBe(6);
    expect(feed.replayPlan(C, 2)).toEqual([
      { after: 2, until: 3 },
      { after: 6, until: Infinity },
    ]);
  });

  it("takes a client's cursor beyond what it was sent as had", () => {
    const feed = feedWith(4);
    feed.cover(C, 9);
    expect(feed.high(C)).toBe(9);
    expect(feed.admit(C, 8)).toEqual({ kind: "duplicate" });
    expect(feed.admit(C, 10)).toEqual({ kind: "deliver" });
  });

  it("starts an unseen conversation at the cursor of a sync that found nothing newer", () => {
    const feed = new OrderedFeed();
    feed.cover(C, 5);
    expect(feed.high(C)).toBe(5);
    expect(feed.admit(C, 6)).toEqual({ kind: "deliver" });
  });
});
