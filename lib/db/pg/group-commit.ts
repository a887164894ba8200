import { collectTurns, type Call } from "@/lib/db/turns";

/**
 * Runs the calls made in one turn of the event loop together: `many` stores them in one
 * transaction and answers each call's outcome, `one` stores a call alone. Under load a
 * transaction's own cost (its round trips, BEGIN and COMMIT, the backend's work per
 * statement) is then paid once per turn instead of once per call.
 *
 * `many` answers refusals with values; if it throws, nothing it did is kept (its transaction
 * rolled back, or its COMMIT's outcome is unknown) and each call runs again through `one`, in
 * call order, so that a failing call fails alone and a committed one is found by its
 * message_id. Unless the database itself failed (`unavailable`): then every call of the turn
 * fails with that error at once, as it would have alone, instead of waiting for the database
 * once per call in turn. Nothing is answered before the transaction is over.
 */
export function groupCommit<Input, Output>(
  one: (input: Input) => Promise<Output>,
  many: (inputs: Input[]) => Promise<Output[]>,
  unavailable: (error: unknown) => boolean,
): (input: Input) => Promise<Output> {
  function runAlone(call: Call<Input, Output>): Promise<void> {
    return one(call.input).then(call.resolve, call.reject);
  }

  /** One after another, in call order: the turn's messages keep the order they came in. */
  async function runEachAlone(calls: Call<Input, Output>[]): Promise<void> {
    for (const call of calls) await runAlone(call);
  }

  return collectTurns<Input, Output>((calls) => {
    many(calls.map((call) => call.input)).then(
      (outputs) => calls.forEach((call, index) => call.resolve(outputs[index]!)),
      (error: unknown) => (unavailable(error) ? calls.forEach((call) => call.reject(error)) : runEachAlone(calls)),
    );
  });
}
