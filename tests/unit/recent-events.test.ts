import { describe, expect, it } from "vitest";

import { RecentEvents } from "@/lib/observability/recent-events";

describe("RecentEvents", () => {
  it("counts the events of the last window", () => {
    const events = new RecentEvents(60);
    const start = 1_700_000_000_000;
    events.add(start);
    events.add(start + 500);
    events.add(start + 30_000);
    expect(events.count(start + 30_000)).toBe(3);
  });

  it("forgets events older than the window", () => {
    const events = new RecentEvents(60);
    const start = 1_700_000_000_000;
    events.add(start);
    events.add(start + 59_000);
    expect(events.count(start + 60_000)).toBe(1);
    expect(events.count(start + 200_000)).toBe(0);
  });

  it("reuses a slot for a later second instead of adding to the old count", () => {
    const events = new RecentEvents(10);
    const start = 1_700_000_000_000;
    events.add(start);
    events.add(start + 10_000);
    expect(events.count(start + 10_000)).toBe(1);
  });
});
