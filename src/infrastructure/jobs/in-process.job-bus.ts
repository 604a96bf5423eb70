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
 * notBefore. Nothing here is durable on purpose: after a restart the dispatcher re-publishes every open
 * job from the event store.
 */
export class InProcessJobBus implements JobBus {
  readonly kind = 'in-process' as const;
  private readonly queued = new Map<string, JobMessage>();
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
      if (this.closed || this.running.has(job.jobId)) continue;
      this.queued.set(job.jobId, job);
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
    for (const [jobId, job] of this.queued) if (job.dramaId === dramaId) this.queued.delete(jobId);
    for (const run of this.running.values())
      if (run.message.dramaId === dramaId) run.abort.abort(new JobAbort('cancelled', 'drama cancelled'));
  }

  inFlight(): ReadonlySet<string> {
    return new Set([...this.queued.keys(), ...this.running.keys()]);
  }

  /** Queued and running jobs by stage (the jobs_in_flight gauge). */
  inFlightByStage(): Map<Stage, number> {
    const counts = new Map<Stage, number>();
    for (const job of [...this.queued.values(), ...[...this.running.values()].map((r) => r.message)]) {
      counts.set(job.stage, (counts.get(job.stage) ?? 0) + 1);
    }
    return counts;
  }

  /** Stops taking jobs; running ones get `graceMs` to finish, then are aborted (they are re-dispatched on restart). */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.queued.clear();
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([all, grace]);
    for (const run of this.running.values()) run.abort.abort(new JobAbort('shutdown', 'shutting down'));
    await all;
  }

  private pump(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = Date.now();
    let nextAt = Infinity;
    for (const [jobId, job] of this.queued) {
      const at = job.notBefore ? Date.parse(job.notBefore) : 0;
      if (at > now) {
        nextAt = Math.min(nextAt, at);
        continue;
      }
      const consumer = this.consumers.find(
        (c) => !c.stopped && c.stages.has(job.stage) && c.running < c.concurrency,
      );
      if (!consumer) continue;
      this.queued.delete(jobId);
      this.start(consumer, job);
    }
    if (nextAt !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(1, nextAt - Date.now()));
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
