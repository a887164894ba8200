import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { parseSessionIds, parseSignal, signalPayloads } from "@/lib/db/pg/announcements";

describe("signals as NOTIFY payloads", () => {
  it("fit in one payload when the recipients are few", () => {
    const signal = { recipientIds: ["a", "b"], payload: { type: "typing", conversation_id: "c", user_id: "a" } };
    const payloads = signalPayloads(signal);
    expect(payloads.map(parseSignal)).toEqual([signal]);
  });

  it("split a large group's recipients over payloads under PostgreSQL's 8000-byte limit, each once", () => {
    const recipientIds = Array.from({ length: 1000 }, () => randomUUID());
    const payloads = signalPayloads({ recipientIds, payload: { type: "read", conversation_id: "c", user_id: "u", seq: 3 } });
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap((payload) => parseSignal(payload)!.recipientIds)).toEqual(recipientIds);
  });
});

describe("revoked sessions as NOTIFY payloads", () => {
  it("are read as the ids of the sessions", () => {
    const ids = [randomUUID(), randomUUID()];
    expect(parseSessionIds(JSON.stringify(ids))).toEqual(ids);
  });

  it("are ignored when they are not a list of ids", () => {
    expect(parseSessionIds("not json")).toBeNull();
    expect(parseSessionIds(JSON.stringify({ ids: [randomUUID()] }))).toBeNull();
    expect(parseSessionIds(JSON.stringify([1, 2]))).toBeNull();
  });
});
