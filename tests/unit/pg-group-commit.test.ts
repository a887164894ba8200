import { describe, expect, it } from "vitest";

import { groupCommit } from "@/lib/db/pg/group-commit";

/**
 * The turn-collecting half of PostgreSQL's group commit, with stores that record what they were
 * given; tests/postgres/group-commit.test.ts runs the real one on a database.
 */
function recordingStore(options: { manyFails?: Error; oneFails?: (input: string) => boolean } = {}) {
  const log: string[] = [];
  const one = async (input: string) => {
    log.push(`one ${input}`);
    if (options.oneFails?.(input)) throw new Error(`refused ${input}`);
    return `stored ${input}`;
  };
  const many = async (inputs: string[]) => {
    log.push(`many ${inputs.join(",")}`);
    if (options.manyFails) throw options.manyFails;
    return inputs.map((input) => `stored ${input} with others`);
  };
  const unavailable = (error: unknown) => error instanceof Error && error.message === "database down";
  return { log, store: groupCommit(one, many, unavailable) };
}

const outcomes = (settled: PromiseSettledResult<string>[]) => settled.map((result) => (result.status === "fulfilled" ? result.value : (result.reason as Error).message));

describe("group commit on PostgreSQL: collecting a turn", () => {
  it("stores a call made alone in its turn through the batch path too", async () => {
    const { log, store } = recordingStore();
    expect(await store("a")).toBe("stored a with others");
    expect(log).toEqual(["many a"]);
  });

  it("hands the calls of one turn to the batch path together and answers each with its own outcome", async () => {
    const { log, store } = recordingStore();
    expect(await Promise.all([store("a"), store("b"), store("c")])).toEqual(["stored a with others", "stored b with others", "stored c with others"]);
    expect(log).toEqual(["many a,b,c"]);
  });

  it("makes a batch of each turn", async () => {
    const { log, store } = recordingStore();
    const first = Promise.all([store("a"), store("b")]);
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([first, store("c"), store("d")]);
    expect(log).toEqual(["many a,b", "many c,d"]);
  });

  it("runs each call of a failed batch again alone, in call order, so that only the failing one fails", async () => {
    const { log, store } = recordingStore({ manyFails: new Error("unique violation"), oneFails: (input) => input === "b" });
    const settled = await Promise.allSettled([store("a"), store("b"), store("c")]);
    expect(outcomes(settled)).toEqual(["stored a", "refused b", "stored c"]);
    expect(log).toEqual(["many a,b,c", "one a", "one b", "one c"]);
  });

  it("fails every call of a batch at once when the database itself failed, without running them again", async () => {
    const { log, store } = recordingStore({ manyFails: new Error("database down") });
    const settled = await Promise.allSettled([store("a"), store("b")]);
    expect(outcomes(settled)).toEqual(["database down", "database down"]);
    expect(log).toEqual(["many a,b"]);
  });
});
