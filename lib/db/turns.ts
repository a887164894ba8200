/** A call waiting for its turn's batch: what it asked, and how to answer it. */
export interface Call<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

/**
 * Collects the calls made in one turn of the event loop and hands them to `flush` together,
 * which answers each. The stores' group commits are built on it (lib/db/sqlite/group-commit,
 * lib/db/pg/group-commit), and PostgreSQL's session checks (lib/db/pg/accounts).
 */
export function collectTurns<Input, Output>(flush: (calls: Call<Input, Output>[]) => void): (input: Input) => Promise<Output> {
  let pending: Call<Input, Output>[] = [];
  const flushPending = () => {
    const calls = pending;
    pending = [];
    flush(calls);
  };
  return (input) =>
    new Promise<Output>((resolve, reject) => {
      // setImmediate runs after the poll phase: every frame and request read in this turn has
      // had its chance to join the batch.
      if (pending.length === 0) setImmediate(flushPending);
      pending.push({ input, resolve, reject });
    });
}
