import type Database from "better-sqlite3";

import { collectTurns, type Call } from "@/lib/db/turns";

type Outcome<Output> = { ok: true; output: Output } | { ok: false; error: unknown };

/**
 * Runs `work` for every call made in one turn of the event loop in a single immediate
 * transaction. Commits, the WAL frames of pages every call touches and a full-text index
 * segment then cost once per turn instead of once per call, which under load was most of
 * what a message cost to store.
 *
 * `work` answers refusals with a value; a throw is unexpected and may leave writes half
 * done. Then the turn's transaction is rolled back and each call runs again in its own, so
 * that a failing call fails alone. (Savepoints would do the same up front, but each one
 * makes FTS5 write out a segment.)
 *
 * Nothing is answered before the transaction commits: after it, `committed` sees each
 * call's output in call order (to announce it), then the call resolves.
 */
export function groupCommit<Input, Output>(
  client: Database.Database,
  work: (input: Input) => Output,
  committed: (output: Output) => void,
): (input: Input) => Promise<Output> {
  const runOne = client.transaction(work);
  const runAll = client.transaction((calls: Call<Input, Output>[]) =>
    calls.map((call) => {
      // Some failures (a full disk, an I/O error) make SQLite roll back the whole transaction:
      // no later call may then write outside one.
      if (!client.inTransaction) throw new Error("the transaction was rolled back");
      return work(call.input);
    }),
  );
  return collectTurns<Input, Output>((calls) => {
    let outcomes: Outcome<Output>[];
    try {
      outcomes = runAll.immediate(calls).map((output) => ({ ok: true, output }));
    } catch {
      outcomes = calls.map((call) => {
        try {
          return { ok: true, output: runOne.immediate(call.input) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    }
    outcomes.forEach((outcome, index) => {
      const call = calls[index]!;
      if (!outcome.ok) return call.reject(outcome.error);
      try {
        committed(outcome.output);
        call.resolve(outcome.output);
      } catch (error) {
        call.reject(error);
      }
    });
  });
}
