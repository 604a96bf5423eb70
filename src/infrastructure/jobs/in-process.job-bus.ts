import type { Logger } from 'pino';
import {
  JobAbort,
  type JobBus,
  type JobConsumer,
  type JobHandler,
  type JobMessage,
} from '../../application/ports/job-bus.port.js';
import type { Stage } from '../../domain/drama/drama.types.js';

interface Consumer {
  stages: ReadonlySet<Stage>;
  handler: JobHandler;
  concurrency: number;
  running: number;
  stopped: boolean;
}

/**
 * The embedded job bus: an in-memory queue with bounded concurrency per consumer, honouring each job's
 * notBefore. Workers are shared fairly between users: each user has a queue of their own (first in,
 * first out), and free workers take the next ready job from each user in turn, so one user's backlog
 * never holds another user's job back by more than one job per turn. Nothing here is durable on
 * purpose: after a restart the dispatcher re-publishes every open job from the event store.
 */
export class InProcessJobBus implements JobBus {
  readonly kind = 'in-process' as const;
  /** Queued jobs by user (insertion order is each user's order); a user with none is dropped. */
  private readonly queues = new Map<string, Map<string, JobMessage>>();
  /** The user of each queued job. */
  private readonly queuedBy = new Map<string, string>();
  /**
   * Users in turn order: the next turn goes to the first user with a ready job, who then goes last. A
   * user new to the queue goes ahead of everyone already served, behind other newcomers.
   */
  private turns: string[] = [];
  private readonly served = new Set<string>();
  private readonly running = new Map<
    string,
    { message: JobMessage; abort: AbortController; done: Promise<void> }
  >();
  private readonly consumers: Consumer[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly logger: Logger) {}

  async publish(jobs: readonly JobMessage[]): Promise<void> {
    for (const job of jobs) {
      if (this.closed || this.running.has(job.jobId) || this.queuedBy.has(job.jobId)) continue;
      const user = job.ownerId ?? `drama:${job.dramaId}`;
      let queue = this.queues.get(user);
      if (!queue) {
        queue = new Map();
        this.queues.set(user, queue);
        const firstServed = this.turns.findIndex((u) => this.served.has(u));
        this.turns.splice(firstServed === -1 ? this.turns.length : firstServed, 0, user);
      }
      queue.set(job.jobId, job);
      this.queuedBy.set(job.jobId, user);
    }
    this.pump();
  }

  async consume(
    stages: readonly Stage[],
    handler: JobHandler,
    options: { concurrency: number },
  ): Promise<JobConsumer> {
    const consumer: Consumer = {
      stages: new Set(stages),
      handler,
      concurrency: Math.max(1, options.concurrency),
      running: 0,
      stopped: false,
    };
    this.consumers.push(consumer);
    this.pump();
    return {
      stop: async () => {
        consumer.stopped = true;
        await Promise.all([...this.running.values()].map((r) => r.done));
      },
    };
  }

  cancelDrama(dramaId: string): void {
    for (const job of this.queuedJobs()) if (job.dramaId === dramaId) this.dequeue(job);
    for (const run of this.running.values())
      if (run.message.dramaId === dramaId) run.abort.abort(new JobAbort('cancelled', 'drama cancelled'));
  }

  inFlight(): ReadonlySet<string> {
    return new Set([...this.queuedBy.keys(), ...this.running.keys()]);
  }

  /** Queued and running jobs by stage (the jobs_in_flight gauge). */
  inFlightByStage(): Map<Stage, number> {
    const counts = new Map<Stage, number>();
    for (const job of [...this.queuedJobs(), ...[...this.running.values()].map((r) => r.message)]) {
      counts.set(job.stage, (counts.get(job.stage) ?? 0) + 1);
    }
    return counts;
  }

  /** Stops taking jobs; running ones get `graceMs` to finish, then are aborted (they are re-dispatched on restart). */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.queues.clear();
    this.queuedBy.clear();
    this.served.clear();
    this.turns = [];
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([all, grace]);
    for (const run of this.running.values()) run.abort.abort(new JobAbort('shutdown', 'shutting down'));
    await all;
  }

  private *queuedJobs(): Iterable<JobMessage> {
    for (const queue of this.queues.values()) yield* queue.values();
  }

  private dequeue(job: JobMessage): void {
    const user = this.queuedBy.get(job.jobId);
    if (user === undefined) return;
    this.queuedBy.delete(job.jobId);
    const queue = this.queues.get(user);
    queue?.delete(job.jobId);
    if (queue && queue.size === 0) {
      this.queues.delete(user);
      this.served.delete(user);
      this.turns = this.turns.filter((u) => u !== user);
    }
  }

  private pump(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = Date.now();
    let nextAt = Infinity;
    // Turn by turn: each user in order gets to start their first ready job a free worker takes.
    for (let started = true; started;) {
      started = false;
      for (const user of this.turns) {
        const found = this.nextReady(this.queues.get(user)!, now);
        nextAt = Math.min(nextAt, found.nextAt);
        if (!found.job) continue;
        this.dequeue(found.job.message);
        this.turns = this.turns.filter((u) => u !== user);
        if (this.queues.has(user)) {
          this.turns.push(user);
          this.served.add(user);
        }
        this.start(found.job.consumer, found.job.message);
        started = true;
        break;
      }
    }
    if (nextAt !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(1, nextAt - Date.now()));
  }

  private hasRoom(): boolean {
    return this.consumers.some((c) => !c.stopped && c.running < c.concurrency);
  }

  /** A user's first job that is due and that a consumer has room for, and when the next one comes due. */
  private nextReady(
    queue: Map<string, JobMessage>,
    now: number,
  ): { job: { message: JobMessage; consumer: Consumer } | null; nextAt: number } {
    let nextAt = Infinity;
    for (const message of queue.values()) {
      const at = message.notBefore ? Date.parse(message.notBefore) : 0;
      if (at > now) {
        nextAt = Math.min(nextAt, at);
        continue;
      }
      const consumer = this.consumers.find(
        (c) => !c.stopped && c.stages.has(message.stage) && c.running < c.concurrency,
      );
      if (consumer) return { job: { message, consumer }, nextAt };
    }
    return { job: null, nextAt };
  }

  private start(consumer: Consumer, job: JobMessage): void {
    consumer.running++;
    const abort = new AbortController();
    const done = (async () => {
      try {
        await consumer.handler(job, { signal: abort.signal, heartbeat: async () => undefined });
      } catch (error) {
        // The worker reports stage failures itself; this is a failure to even record that.
        this.logger.error(
          { err: error, jobId: job.jobId },
          'job handler crashed; it will be dispatched again',
        );
      } finally {
        consumer.running--;
        this.running.delete(job.jobId);
        this.pump();
      }
    })();
    this.running.set(job.jobId, { message: job, abort, done });
  }
}
