/**
 * What a consumer may commit on one partition when its jobs finish out of order. Kafka's committed
 * offset means "everything before it is done", so it can only move up to the first job still running:
 * a job that finished behind one still running waits for it (after a crash it is delivered again and
 * skipped, its result already recorded), and the running one is handed to the next consumer.
 *
 * Offsets are taken in the order the broker hands them out; a message fetched again (the client went
 * back to the committed offset after a rebalance or an error) is recognised and not taken twice.
 */
export class PartitionOffsets {
  /** Taken and not yet committed: true once finished. */
  readonly #taken = new Map<bigint, boolean>();
  /** Everything below this offset is finished (what was or will be committed). */
  #floor: bigint | null = null;

  /** Whether the message at `offset` was taken already (running, or finished). */
  has(offset: string): boolean {
    const at = BigInt(offset);
    return (this.#floor !== null && at < this.#floor) || this.#taken.has(at);
  }

  take(offset: string): void {
    const at = BigInt(offset);
    if (this.has(offset)) throw new Error(`offset ${offset} was taken already`);
    // The first message taken is where the group's committed offset stood: nothing below is ours.
    this.#floor ??= at;
    this.#taken.set(at, false);
  }

  /**
   * Marks the job at `offset` finished. Returns the offset to commit (the next one to read) when the
   * finished stretch from the lowest taken offset grew, else null.
   */
  finish(offset: string): string | null {
    const at = BigInt(offset);
    if (!this.#taken.has(at)) return null;
    this.#taken.set(at, true);
    let lowestRunning: bigint | null = null;
    let highest: bigint | null = null;
    for (const [taken, finished] of this.#taken) {
      if (!finished && (lowestRunning === null || taken < lowestRunning)) lowestRunning = taken;
      if (highest === null || taken > highest) highest = taken;
    }
    const next = lowestRunning ?? highest! + 1n;
    if (next <= this.#floor!) return null;
    this.#floor = next;
    for (const taken of [...this.#taken.keys()]) if (taken < next) this.#taken.delete(taken);
    return next.toString();
  }

  /** Offsets taken and not finished. */
  get running(): number {
    let n = 0;
    for (const finished of this.#taken.values()) if (!finished) n++;
    return n;
  }
}
