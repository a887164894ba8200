/** A conversation's counter and members as they were at one moment. */
export interface CounterState {
  lastSeq: number;
  memberIds: readonly string[];
}

/**
 * What this instance last knew of each conversation's counter and members, so that a turn's
 * messages can be stored in one statement that runs only if every counter is still where it
 * was known (see storeKnown in lib/db/pg/repository). Every change of a conversation's members
 * moves its counter under the counter's lock, and a counter only ever moves up: a counter
 * found where it was known means the members known with it are still its members. A state
 * out of date therefore costs a refused statement, never a wrong answer.
 *
 * It also runs the stores of messages of one conversation one after the other: a turn that
 * waits for the statement in flight on its conversation then knows where the counter went,
 * where one sent beside it would find the counter moved and be refused.
 */
export class KnownCounters {
  private readonly states = new Map<string, CounterState>();
  private readonly running = new Map<string, Promise<void>>();
  /** What the states weigh: one per conversation and one per member. */
  private weight = 0;

  /** `capacity` bounds the weight kept: a few big groups count as many small conversations. */
  constructor(private readonly capacity: number) {}

  get(conversationId: string): CounterState | undefined {
    return this.states.get(conversationId);
  }

  /**
   * Remembers a state seen under the counter's lock or committed by this instance. One older
   * than the state known is ignored: answers of statements that overlapped arrive in any order.
   */
  learn(conversationId: string, state: CounterState): void {
    const known = this.states.get(conversationId);
    if (known && known.lastSeq >= state.lastSeq) return;
    // Deleted first so that Map order is the order of use: the first entry is the one least recently learnt.
    this.drop(conversationId);
    this.states.set(conversationId, state);
    this.weight += weightOf(state);
    for (const [oldest] of this.states) {
      if (this.weight <= this.capacity) break;
      this.drop(oldest);
    }
  }

  /**
   * Moves a known counter on to the event at `seq`, heard from any instance, when the event is
   * one that leaves the members as they were and the counter was known at the seq before it.
   */
  advance(conversationId: string, seq: number): void {
    const known = this.states.get(conversationId);
    if (known?.lastSeq === seq - 1) this.learn(conversationId, { lastSeq: seq, memberIds: known.memberIds });
  }

  /** Drops what was known: after a statement that found a counter moved, or whose outcome is not known. */
  forget(conversationIds: Iterable<string>): void {
    for (const id of conversationIds) this.drop(id);
  }

  private drop(conversationId: string): void {
    const known = this.states.get(conversationId);
    if (!known) return;
    this.states.delete(conversationId);
    this.weight -= weightOf(known);
  }

  /** Runs `store` once no earlier store of any of these conversations is running. */
  async oneAtATime<Result>(conversationIds: readonly string[], store: () => Promise<Result>): Promise<Result> {
    for (;;) {
      const earlier = conversationIds.flatMap((id) => this.running.get(id) ?? []);
      if (earlier.length === 0) break;
      await Promise.all(earlier);
    }
    const result = store();
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    for (const id of conversationIds) this.running.set(id, done);
    void done.then(() => {
      for (const id of conversationIds) if (this.running.get(id) === done) this.running.delete(id);
    });
    return result;
  }
}

function weightOf(state: CounterState): number {
  return 1 + state.memberIds.length;
}
