import type { Logger } from 'pino';
import { decodeDramaEvent, dramaIdOf, foldDrama } from '../../domain/drama/drama.streams.js';
import { leaseEnd, openJobs } from '../../domain/drama/drama.state.js';
import type { JobSpec } from '../../domain/drama/drama.types.js';
import { memoryCheckpoint } from '../consumers/checkpoints.js';
import type { ConsumerEngine } from '../consumers/consumer-engine.js';
import type { SupervisedConsumer } from '../consumers/supervised-consumer.js';
import type { EventStore, StoredEvent } from '../ports/event-store.port.js';
import { transient } from '../shared/transient-error.js';
import type { JobBus, JobMessage } from '../ports/job-bus.port.js';
import type { Clock } from '../ports/system.port.js';

const WATCHED = [
  'DramaRequested',
  'JobScheduled',
  'JobStarted',
  'JobLeaseRenewed',
  'JobReleased',
  'StageCompleted',
  'StageFailed',
  'DramaResumed',
  'DramaCancelled',
  'DramaCompleted',
  'DramaFailed',
] as const;

export const jobMessage = (
  streamId: string,
  job: JobSpec,
  scheduled?: StoredEvent,
  ownerId?: string,
): JobMessage => ({
  jobId: job.jobId,
  streamId,
  dramaId: dramaIdOf(streamId),
  ...(ownerId ? { ownerId } : {}),
  stage: job.stage,
  target: job.target,
  provider: job.provider,
  attempt: job.attempt,
  notBefore: job.notBefore,
  leaseSec: job.leaseSec,
  ...(scheduled ? { correlationId: scheduled.metadata.correlationId, causationId: scheduled.id } : {}),
});

/** The JobScheduled event that created (the latest attempt of) a job, if the stream holds it. */
export const scheduledEventOf = (stored: readonly StoredEvent[], jobId: string): StoredEvent | undefined =>
  stored.findLast((e) => e.type === 'JobScheduled' && (e.data as JobSpec).jobId === jobId);

/**
 * Hands scheduled jobs to the job bus, at least once. At start it re-publishes the open jobs of every
 * live drama (nothing is lost across a crash); afterwards it follows the log. A started job whose
 * lease runs out without a result is published again; the first result recorded wins.
 */
export class JobDispatcher {
  private consumer: SupervisedConsumer | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly open = new Map<string, { message: JobMessage; deadline: number | null }>();
  /** The owner of each live drama stream, so jobs carry who they are for (fair sharing of workers). */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly store: EventStore,
    private readonly bus: JobBus,
    private readonly engine: ConsumerEngine,
    private readonly liveStreams: () => Promise<string[]>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly watchdogMs = 5_000,
  ) {}

  async start(): Promise<void> {
    const head = await this.store.headPosition();
    const streams = await this.liveStreams();
    for (const streamId of streams) await this.redispatch(streamId);
    if (streams.length > 0)
      this.logger.info({ dramas: streams.length, jobs: this.open.size }, 'open jobs re-dispatched');
    // Supervised from the head the open jobs were read at: a failed publish (the bus is down) is retried
    // until the bus is back, and nothing after `head` is skipped meanwhile.
    this.consumer = this.engine.register({
      name: 'job-dispatcher',
      kind: 'job-dispatcher',
      types: WATCHED,
      batchSize: 200,
      checkpoint: memoryCheckpoint(head),
      handle: (events) => this.onEvents(events),
    });
    await this.consumer.start();
    this.watchdog = setInterval(() => void this.checkLeases(), this.watchdogMs);
  }

  async stop(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    await this.consumer?.stop();
  }

  private async onEvents(events: StoredEvent[]): Promise<void> {
    const publish: JobMessage[] = [];
    for (const event of events) {
      const e = decodeDramaEvent(event);
      switch (e.type) {
        case 'DramaRequested':
          this.owners.set(event.streamId, e.data.ownerId);
          break;
        case 'JobScheduled': {
          const message = jobMessage(event.streamId, e.data, event, this.owners.get(event.streamId));
          this.open.set(message.jobId, { message, deadline: null });
          publish.push(message);
          break;
        }
        case 'JobStarted': {
          const entry = this.open.get(e.data.jobId);
          if (entry) {
            entry.deadline =
              Date.parse(e.data.leaseUntil ?? e.data.startedAt) +
              (e.data.leaseUntil ? 0 : entry.message.leaseSec * 1000);
          }
          break;
        }
        case 'JobLeaseRenewed': {
          const entry = this.open.get(e.data.jobId);
          if (entry) entry.deadline = Date.parse(e.data.leaseUntil);
          break;
        }
        case 'JobReleased': {
          // Handed back by a worker that stopped: open again at once, for any worker.
          const entry = this.open.get(e.data.jobId);
          if (entry) {
            entry.deadline = null;
            publish.push(entry.message);
          }
          break;
        }
        case 'StageCompleted':
        case 'StageFailed':
          this.open.delete(e.data.jobId);
          break;
        case 'DramaResumed':
          await this.redispatch(event.streamId);
          break;
        case 'DramaCancelled':
          this.bus.cancelDrama(dramaIdOf(event.streamId));
          this.forget(event.streamId);
          break;
        case 'DramaCompleted':
        case 'DramaFailed':
          this.forget(event.streamId);
          break;
        default:
          break;
      }
    }
    if (publish.length > 0) await this.publish(publish);
  }

  /** A bus that cannot take jobs is an outage, never a reason to give up on the events behind them. */
  private async publish(messages: JobMessage[]): Promise<void> {
    try {
      await this.bus.publish(messages);
    } catch (error) {
      throw transient(`the ${this.bus.kind} job bus did not take ${messages.length} job(s)`, error);
    }
  }

  private forget(streamId: string): void {
    this.owners.delete(streamId);
    for (const [jobId, entry] of this.open) if (entry.message.streamId === streamId) this.open.delete(jobId);
  }

  /** Publishes every open job of a live drama (idempotent: the bus ignores ids it already holds). */
  async redispatch(streamId: string): Promise<void> {
    const stored = await this.store.readStream(streamId);
    const state = foldDrama(stored);
    if (state.status !== 'pending' && state.status !== 'running') return;
    this.owners.set(streamId, state.ownerId);
    const messages = openJobs(state).map((job) => {
      const message = jobMessage(streamId, job, scheduledEventOf(stored, job.jobId), state.ownerId);
      const until = leaseEnd(job);
      const deadline = until ? Date.parse(until) : null;
      this.open.set(job.jobId, { message, deadline });
      return message;
    });
    if (messages.length > 0) await this.publish(messages);
  }

  private async checkLeases(): Promise<void> {
    const now = this.clock.now().getTime();
    const inFlight = this.bus.inFlight();
    const expired: JobMessage[] = [];
    for (const entry of this.open.values()) {
      if (entry.deadline === null || entry.deadline > now || inFlight.has(entry.message.jobId)) continue;
      entry.deadline = now + entry.message.leaseSec * 1000;
      expired.push(entry.message);
    }
    if (expired.length === 0) return;
    this.logger.warn({ jobs: expired.map((m) => m.jobId) }, 'job leases expired: dispatching again');
    await this.publish(expired).catch((error: unknown) =>
      this.logger.error({ err: error }, 're-dispatch failed; the next check tries again'),
    );
  }
}
