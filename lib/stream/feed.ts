/**
 * What one reader (a client connection, or an instance's PostgreSQL listener) has received of
 * each conversation's event stream, and therefore what it must still be given. Per
 * conversation the reader holds exactly the events in (floor, high]: live events extend it
 * upwards one seq at a time (a gap is filled first), and a sync from a cursor below the floor
 * extends it downwards. Keeping it one interval is what makes "exactly once, no hole" checkable.
 */

export type Admission =
  | { kind: "deliver" }
  | { kind: "duplicate" }
  /** Events (after, until] must be delivered first. */
  | { kind: "gap"; after: number; until: number };

/** Events (after, until] to replay, oldest first; `until` is Infinity for "up to the newest". */
export interface ReplayRange {
  after: number;
  until: number;
}

interface Span {
  floor: number;
  high: number;
}

export class OrderedFeed {
  /** Made on the first event: an idle connection holds none. */
  private spans: Map<string, Span> | undefined;

  /** Where a live event stands: next in line, already had, or behind a gap. */
  admit(conversationId: string, seq: number): Admission {
    const span = this.spans?.get(conversationId);
    if (!span || seq === span.high + 1) return { kind: "deliver" };
    if (seq <= span.high) return { kind: "duplicate" };
    return { kind: "gap", after: span.high, until: seq - 1 };
  }

  /**
   * Records that the event was given to the reader. The first event of a conversation starts
   * its span; later ones above it must follow on (admit says when to fill a gap first), and
   * ones below the floor are a sync's replay, which `cover` closes.
   */
  record(conversationId: string, seq: number): void {
    const span = this.spans?.get(conversationId);
    if (!span) {
      (this.spans ??= new Map()).set(conversationId, { floor: seq - 1, high: seq });
    } else if (seq > span.high) {
      if (seq !== span.high + 1) throw new Error(`feed hole in ${conversationId}: ${span.high} then ${seq}`);
      span.high = seq;
    }
  }

  /** What a sync from `cursor` must replay so the reader ends up with every event after it, once. */
  replayPlan(conversationId: string, cursor: number): ReplayRange[] {
    const span = this.spans?.get(conversationId);
    if (!span) return [{ after: cursor, until: Infinity }];
    const ranges: ReplayRange[] = [];
    if (cursor < span.floor) ranges.push({ after: cursor, until: span.floor });
    ranges.push({ after: Math.max(cursor, span.high), until: Infinity });
    return ranges;
  }

  /**
   * Before a sync from `cursor` replays anything: the client holds every event up to the
   * cursor, so where that is more than this reader gave it (live events still on their way,
   * history read over REST) the span reaches up to it at once. The replay then follows on from
   * the cursor, and those events are duplicates when they arrive live.
   */
  holdsUpTo(conversationId: string, cursor: number): void {
    const span = this.spans?.get(conversationId);
    if (!span) (this.spans ??= new Map()).set(conversationId, { floor: cursor, high: cursor });
    else span.high = Math.max(span.high, cursor);
  }

  /**
   * After a sync from `cursor` (no higher than the newest stored seq) has replayed what lay
   * below the span: the reader has every event from the cursor up, so the span reaches down to it.
   */
  cover(conversationId: string, cursor: number): void {
    this.holdsUpTo(conversationId, cursor);
    const span = this.spans!.get(conversationId)!;
    span.floor = Math.min(span.floor, cursor);
  }

  /** The last seq the reader has of the conversation, if it has any. */
  high(conversationId: string): number | undefined {
    return this.spans?.get(conversationId)?.high;
  }
}
