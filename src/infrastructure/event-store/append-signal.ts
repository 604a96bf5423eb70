/** Wakes readers of the global log when something was appended (here, or in another process via NOTIFY). */
export class AppendSignal {
  private generation = 0;
  private waiters = new Set<() => void>();
  private readonly listeners = new Set<() => void>();

  /** Take before reading; pass to `waitSince` so an append during the read is never slept through. */
  get current(): number {
    return this.generation;
  }

  notify(): void {
    this.generation++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
    for (const listener of this.listeners) listener();
  }

  /** Resolves at once if anything was appended since `generation`, else on the next append or after `timeoutMs`. */
  waitSince(generation: number, timeoutMs: number, abort?: AbortSignal): Promise<void> {
    if (generation !== this.generation || abort?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        abort?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      abort?.addEventListener('abort', done, { once: true });
    });
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
