import { describe, expect, it } from "vitest";

import { placeMessages, utcDay } from "@/lib/web/message-layout";

const at = (iso: string, senderId = "ann", seq?: number) => ({ senderId, createdAt: iso, seq });

describe("placeMessages", () => {
  it("groups one sender's messages of the same minute", () => {
    const placed = placeMessages([at("2026-03-04T10:00:05Z", "ann", 1), at("2026-03-04T10:00:50Z", "ann", 2), at("2026-03-04T10:01:00Z", "ann", 3), at("2026-03-04T10:01:10Z", "bo", 4)], "me", null, utcDay);
    expect(placed.map((placement) => placement.grouped)).toEqual([false, true, false, false]);
  });

  it("starts a day with a separator, and never groups across it", () => {
    const placed = placeMessages([at("2026-03-04T12:00:00Z"), at("2026-03-06T12:00:00Z")], "me", null, utcDay);
    expect(placed.map((placement) => placement.newDay)).toEqual([true, true]);
  });

  it("puts the new-messages line before the first message by someone else after the marker", () => {
    const placed = placeMessages([at("2026-03-04T10:00:00Z", "ann", 1), at("2026-03-04T10:00:01Z", "me", 2), at("2026-03-04T10:00:02Z", "ann", 3), at("2026-03-04T10:00:03Z", "ann", 4)], "me", 1, utcDay);
    expect(placed.map((placement) => placement.firstUnread)).toEqual([false, false, true, false]);
    expect(placed[2]!.grouped).toBe(false);
  });

  it("parts the days where the given clock does: the reader's zone and UTC may differ", () => {
    const evening = [at("2026-03-04T20:00:00Z"), at("2026-03-05T02:00:00Z")];
    const newYork = (iso: string) => new Date(new Date(iso).getTime() - 5 * 3_600_000).toISOString().slice(0, 10);
    expect(placeMessages(evening, "me", null, utcDay).map((placement) => placement.newDay)).toEqual([true, true]);
    expect(placeMessages(evening, "me", null, newYork).map((placement) => placement.newDay)).toEqual([true, false]);
  });
});
