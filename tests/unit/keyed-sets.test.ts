import { describe, expect, it } from "vitest";

import { KeyedSets } from "@/lib/realtime/keyed-sets";

const phone = { name: "phone" };
const laptop = { name: "laptop" };
const tablet = { name: "tablet" };

describe("KeyedSets", () => {
  it("holds each value added under a key once, and nothing under other keys", () => {
    const sets = new KeyedSets<string, object>();
    sets.add("alice", phone);
    sets.add("alice", phone);
    sets.add("alice", laptop);
    expect([...sets.get("alice")]).toEqual([phone, laptop]);
    expect([...sets.get("bob")]).toEqual([]);
  });

  it("gives back what remains as values are deleted, down to none", () => {
    const sets = new KeyedSets<string, object>();
    for (const value of [phone, laptop, tablet]) sets.add("alice", value);
    expect(sets.delete("alice", laptop)).toBe(true);
    expect([...sets.get("alice")]).toEqual([phone, tablet]);
    expect(sets.delete("alice", phone)).toBe(true);
    expect([...sets.get("alice")]).toEqual([tablet]);
    sets.add("alice", phone);
    expect([...sets.get("alice")]).toEqual([tablet, phone]);
    expect(sets.delete("alice", tablet) && sets.delete("alice", phone)).toBe(true);
    expect([...sets.get("alice")]).toEqual([]);
  });

  it("says false when deleting a value the key does not hold", () => {
    const sets = new KeyedSets<string, object>();
    expect(sets.delete("alice", phone)).toBe(false);
    sets.add("alice", phone);
    expect(sets.delete("alice", laptop)).toBe(false);
    sets.add("alice", tablet);
    expect(sets.delete("alice", laptop)).toBe(false);
    expect([...sets.get("alice")]).toEqual([phone, tablet]);
  });

  it("goes on iterating a key's values while the loop deletes them, as revocation does", () => {
    const sets = new KeyedSets<string, object>();
    for (const value of [phone, laptop, tablet]) sets.add("s1", value);
    const visited: object[] = [];
    for (const value of sets.get("s1")) {
      visited.push(value);
      sets.delete("s1", value);
    }
    expect(visited).toEqual([phone, laptop, tablet]);
    expect([...sets.get("s1")]).toEqual([]);
  });
});
