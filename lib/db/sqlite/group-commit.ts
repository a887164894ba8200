import type Database from "better-sqlite3";

interface Call<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

type Outcome<Output> = { ok: true; output: Output } | { ok: false; error: unknown };

/**
 * Runs `work` for every call made in one turn of the event loop in a single immediate
 * transaction, each call in its own savepoint: a call that throws undoes only its own writes.
 * Commits, the WAL frames of pages every call touches and a full-text index segment then
 * cost once per turn instead of once per call, which under load was most of what a message
 * cost to store.
 *
 * Nothing is answered before the transaction commits: after it, `committed` sees each
 * call's output in call order (to announce it), then the call resolves. If the transaction
 * itself fails, every call of the turn rejects and none of them wrote anything.
 */
export function groupCommit<Input, Output>(
  client: Database.Database,
  work: (input: Input) => Output,
  committed: (output: Output) => void,
): (input: Input) => Promise<Output> {
  const inSavepoint = client.transaction(work);
  const runAll = client.transaction((calls: Call<Input, Output>[]) =>
    calls.map((call): Outcome<Output> => {
      try {
        return { ok: true, output: inSavepoint(call.input) };
      } catch (error) {
        // Some failures (a full disk, an I/O error) make SQLite roll back the whole
        // transaction: the calls before this one are gone too, and later ones must not run
        // outside a transaction.
        if (!client.inTransaction) throw error;
        return { ok: false, error };
      }
    }),
  );
  let pending: Call<Input, Output>[] = [];

  function flush(): void {
    const calls = pending;
    pending = [];
    let outcomes: Outcome<Output>[];
    try {
      outcomes = runAll.immediate(calls);
    } catch (error) {
      for (const call of calls) call.reject(error);
      return;
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
  }

  return (input) =>
    new Promise<Output>((resolve, reject) => {
      // setImmediate runs after the poll phase: every frame and request read in this turn has
      // had its chance to join the batch.
      if (pending.length === 0) setImmediate(flush);
      pending.push({ input, resolve, reject });
    });
}
