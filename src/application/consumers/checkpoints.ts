import type { CheckpointStore } from '../ports/checkpoint-store.port.js';
import type { CheckpointStrategy } from '../ports/consumer.port.js';

/**
 * A checkpoint stored after the work (at least once: the work must be idempotent). A consumer that never
 * ran starts at the beginning of the log, or at its head when `startAtHead` says where that is.
 */
export const storedCheckpoint = (
  store: CheckpointStore,
  name: string,
  startAtHead?: () => Promise<number>,
): CheckpointStrategy => ({
  async load() {
    const position = await store.load(name);
    return position === 0 && startAtHead ? startAtHead() : position;
  },
  async advance(_from, to, work) {
    await work(null);
    await store.save(name, to);
    return true;
  },
});

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
