import type { CheckpointStore } from '../ports/checkpoint-store.port.js';
import type { CheckpointStrategy } from '../ports/consumer.port.js';

/**
 * When a checkpoint only moves past events its consumer does not want, writing it every time costs a
 * database write per append per consumer (in the embedded mode, on the thread that also mixes audio) and
 * gains nothing: after a restart those events would be read and passed over again. Such moves are written
 * at most this often; a move that comes with handled events is always written.
 */
export const IDLE_MOVE_WRITE_MS = 1_000;

/** Decides which position-only moves of a checkpoint are written (see IDLE_MOVE_WRITE_MS). */
export class IdleMoveCoalescer {
  private lastWrite = -Infinity;

  constructor(private readonly intervalMs = IDLE_MOVE_WRITE_MS) {}

  /** True if this move is to be written now. */
  write(handled: number): boolean {
    const now = performance.now();
    if (handled === 0 && now - this.lastWrite < this.intervalMs) return false;
    this.lastWrite = now;
    return true;
  }
}

/**
 * A checkpoint stored after the work (at least once: the work must be idempotent). A consumer that never
 * ran starts at the beginning of the log, or at its head when `startAtHead` says where that is.
 */
export const storedCheckpoint = (
  store: CheckpointStore,
  name: string,
  startAtHead?: () => Promise<number>,
): CheckpointStrategy => {
  const coalescer = new IdleMoveCoalescer();
  return {
    async load() {
      const position = await store.load(name);
      return position === 0 && startAtHead ? startAtHead() : position;
    },
    async advance(_from, to, work, handled) {
      await work(null);
      if (coalescer.write(handled)) await store.save(name, to);
      return true;
    },
  };
};

/**
 * A checkpoint kept in memory only, for consumers that rebuild their state at start (the job dispatcher
 * re-dispatches open jobs, a worker follows cancellations from now on). Restarted after a failure, such a
 * consumer resumes where it was, so nothing in between is lost.
 */
export const memoryCheckpoint = (start: number): CheckpointStrategy => {
  let position = start;
  return {
    async load() {
      return position;
    },
    async advance(_from, to, work) {
      await work(null);
      position = to;
      return true;
    },
  };
};
