import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { readSender } from "@/lib/web/read-sender";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function recorder() {
  const sent: string[] = [];
  return { sent, reads: readSender((conversationId, seq) => sent.push(`${conversationId}:${seq}@${Date.now()}`), 1000) };
}

describe("readSender", () => {
  it("sends the first marker at once, then the highest one read during the interval, once, at its end", () => {
    const start = Date.now();
    const { sent, reads } = recorder();
    reads.mark("a", 1);
    reads.mark("a", 3);
    reads.mark("a", 2);
    expect(sent).toEqual([`a:1@${start}`]);
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([`a:1@${start}`, `a:3@${start + 1000}`]);
  });

  it("sends nothing at the end of an interval in which nothing more was read, and at once after it", () => {
    const start = Date.now();
    const { sent, reads } = recorder();
    reads.mark("a", 1);
    vi.advanceTimersByTime(1500);
    reads.mark("a", 2);
    expect(sent).toEqual([`a:1@${start}`, `a:2@${start + 1500}`]);
  });

  it("paces each conversation on its own", () => {
    const { sent, reads } = recorder();
    reads.mark("a", 1);
    reads.mark("b", 7);
    expect(sent.map((entry) => entry.split("@")[0])).toEqual(["a:1", "b:7"]);
  });

  it("sends what is held back when flushed, and nothing twice", () => {
    const { sent, reads } = recorder();
    reads.mark("a", 1);
    reads.mark("a", 4);
    reads.flush();
    vi.advanceTimersByTime(5000);
    expect(sent.map((entry) => entry.split("@")[0])).toEqual(["a:1", "a:4"]);
  });
});
