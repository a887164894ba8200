import { describe, expect, it } from "vitest";

import { isoTimestamp } from "@/lib/db/pg/timestamps";

describe("timestamps read from PostgreSQL", () => {
  it.each(["2026-11-26 08:30:00.123+00", "2026-11-26 08:30:00.12+00", "2026-11-26 08:30:00.1+00", "2026-11-26 08:30:00+00", "0999-01-02 00:00:00.5+00"])(
    "read %s as Date#toISOString writes it",
    (text) => {
      expect(isoTimestamp(text)).toBe(new Date(text).toISOString());
    },
  );

  it.each(["2026-11-26 09:30:00.123+01", "2026-11-26 08:30:00.1234+00", "2026-11-26T08:30:00.123Z"])("read %s, a form of another session, through Date", (text) => {
    expect(isoTimestamp(text)).toBe(new Date(text).toISOString());
  });

  it("throws on what is not a time at all, as Date does", () => {
    expect(() => isoTimestamp("yesterday")).toThrow(RangeError);
  });
});
