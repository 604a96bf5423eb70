/**
 * Bounds how much work runs at once (calls to one provider, jobs of one Kafka consumer); waiting callers
 * can be aborted, and `drain` lets every waiter through when the owner stops.
 */
export class Semaphore {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get active(): number {
    return this.#active;
  }

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Takes a slot, waiting for one if all are taken; pair it with exactly one `release`. */
  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#active++;
        resolve();
      };
      const onAbort = () => {
        const at = this.#waiting.indexOf(grant);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal?.reason);
      };
      this.#waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    this.#active--;
    this.#waiting.shift()?.();
  }

  /** Lets every waiter through at once (they see their owner stopping and leave). */
  drain(): void {
    while (this.#waiting.length > 0) this.#waiting.shift()!();
  }
}
