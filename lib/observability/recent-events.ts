/**
 * Counts events over a sliding window in one-second buckets, so memory stays constant
 * however many events arrive.
 */
export class RecentEvents {
  private readonly buckets: number[];
  private readonly seconds: number[];

  constructor(readonly windowSeconds: number) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
    this.seconds = new Array<number>(windowSeconds).fill(-1);
  }

  add(now = Date.now()): void {
    const second = Math.floor(now / 1000);
    const slot = second % this.windowSeconds;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.buckets[slot] = 0;
    }
    this.buckets[slot]! += 1;
  }

  /** Events in the last windowSeconds whole seconds, the current one included. */
  count(now = Date.now()): number {
    const oldest = Math.floor(now / 1000) - this.windowSeconds + 1;
    let total = 0;
    for (let slot = 0; slot < this.windowSeconds; slot += 1) {
      if (this.seconds[slot]! >= oldest) total += this.buckets[slot]!;
    }
    return total;
  }
}
