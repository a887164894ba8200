import { describe, expect, it } from "vitest";

import { KnownCounters } from "@/lib/db/pg/known-counters";

/** A store that stays running until `finish` is called. */
function pendingStore(log: string[], name: string) {
  let finish!: (failure?: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = (failure) => (failure ? reject(failure) : resolve(name));
  });
  return {
    run: () => {
      log.push(`start ${name}`);
      return done;
    },
    finish,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("what an instance knows of conversations' counters", () => {
  it("keeps the newer of two states learnt out of order", () => {
    const known = new KnownCounters(10);
    known.learn("c", { lastSeq: 5, memberIds: ["a", "b"] });
    known.learn("c", { lastSeq: 3, memberIds: ["a"] });
    expect(known.get("c")).toEqual({ lastSeq: 5, memberIds: ["a", "b"] });
  });

  it("drops the least recently learnt conversation beyond its capacity", () => {
    const known = new KnownCounters(6);
    known.learn("first", { lastSeq: 1, memberIds: ["a"] });
    known.learn("second", { lastSeq: 1, memberIds: ["a"] });
    known.learn("first", { lastSeq: 2, memberIds: ["a"] });
    known.learn("third", { lastSeq: 1, memberIds: ["a"] });
    known.learn("fourth", { lastSeq: 1, memberIds: ["a"] });
    expect([known.get("first")?.lastSeq, known.get("second"), known.get("third")?.lastSeq, known.get("fourth")?.lastSeq]).toEqual([2, undefined, 1, 1]);
  });

  it("counts each member against its capacity, so that one big group drops several small conversations", () => {
    const known = new KnownCounters(8);
    known.learn("small", { lastSeq: 1, memberIds: ["a", "b"] });
    known.learn("other", { lastSeq: 1, memberIds: ["a", "b"] });
    known.learn("big", { lastSeq: 1, memberIds: ["a", "b", "c", "d", "e"] });
    expect([known.get("small"), known.get("other"), known.get("big")?.lastSeq]).toEqual([undefined, undefined, 1]);
  });

  it("frees the weight of a conversation it forgets", () => {
    const known = new KnownCounters(4);
    known.learn("first", { lastSeq: 1, memberIds: ["a"] });
    known.forget(["first"]);
    known.learn("second", { lastSeq: 1, memberIds: ["a"] });
    known.learn("third", { lastSeq: 1, memberIds: ["a"] });
    expect([known.get("second")?.lastSeq, known.get("third")?.lastSeq]).toEqual([1, 1]);
  });

  it("moves a counter on to an event heard right after the seq it knows, with the same members", () => {
    const known = new KnownCounters(10);
    known.learn("c", { lastSeq: 4, memberIds: ["a", "b"] });
    known.advance("c", 5);
    expect(known.get("c")).toEqual({ lastSeq: 5, memberIds: ["a", "b"] });
  });

  it("does not move a counter on past events it has not heard", () => {
    const known = new KnownCounters(10);
    known.learn("c", { lastSeq: 4, memberIds: ["a"] });
    known.advance("c", 6);
    known.advance("unknown", 1);
    expect([known.get("c")?.lastSeq, known.get("unknown")]).toEqual([4, undefined]);
  });

  it("forgets what it is told to", () => {
    const known = new KnownCounters(10);
    known.learn("c", { lastSeq: 1, memberIds: [] });
    known.forget(["c"]);
    expect(known.get("c")).toBeUndefined();
  });
});

describe("stores of one conversation, one at a time", () => {
  it("starts a store of a conversation only once the one running on it has finished", async () => {
    const known = new KnownCounters(10);
    const log: string[] = [];
    const [first, second] = [pendingStore(log, "first"), pendingStore(log, "second")];
    const firstDone = known.oneAtATime(["c"], first.run);
    const secondDone = known.oneAtATime(["c", "d"], second.run);
    await settle();
    expect(log).toEqual(["start first"]);
    first.finish();
    await settle();
    expect(log).toEqual(["start first", "start second"]);
    second.finish();
    expect(await Promise.all([firstDone, secondDone])).toEqual(["first", "second"]);
  });

  it("runs stores of different conversations side by side", async () => {
    const known = new KnownCounters(10);
    const log: string[] = [];
    const [first, second] = [pendingStore(log, "first"), pendingStore(log, "second")];
    const both = Promise.all([known.oneAtATime(["c"], first.run), known.oneAtATime(["d"], second.run)]);
    await settle();
    expect(log).toEqual(["start first", "start second"]);
    first.finish();
    second.finish();
    expect(await both).toEqual(["first", "second"]);
  });

  it("starts the waiting stores in the order they came, each after the one before", async () => {
    const known = new KnownCounters(10);
    const log: string[] = [];
    const names = ["first", "second", "third"];
    const stores = names.map((name) => pendingStore(log, name));
    const done = stores.map((store) => known.oneAtATime(["c"], store.run));
    for (const [index, store] of stores.entries()) {
      await settle();
      expect(log).toEqual(names.slice(0, index + 1).map((name) => `start ${name}`));
      store.finish();
    }
    expect(await Promise.all(done)).toEqual(names);
  });

  it("starts the next store after one that failed, and hands the failure to its caller", async () => {
    const known = new KnownCounters(10);
    const log: string[] = [];
    const [first, second] = [pendingStore(log, "first"), pendingStore(log, "second")];
    const firstDone = known.oneAtATime(["c"], first.run);
    const secondDone = known.oneAtATime(["c"], second.run);
    first.finish(new Error("statement failed"));
    await expect(firstDone).rejects.toThrow("statement failed");
    await settle();
    expect(log).toEqual(["start first", "start second"]);
    second.finish();
    expect(await secondDone).toBe("second");
  });
});
