import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import {
  JobAbort,
  type JobBus,
  type JobConsumer,
  type JobHandler,
  type JobMessage,
} from '../../application/ports/job-bus.port.js';
import { STAGES, type Stage } from '../../domain/drama/drama.types.js';
import { jobsInFlight } from '../observability/metrics.js';
import { Semaphore } from '../process/semaphore.js';
import { PartitionOffsets } from './partition-offsets.js';

export interface KafkaJobBusOptions {
  brokers: readonly string[];
  clientId: string;
  /** Prepended to every topic and group id (several deployments or test runs may share a broker). */
  prefix: string;
  /** Partitions of each stage topic, created at start-up. */
  partitions: number;
  /** Deliveries of a job whose handler throws (or whose process dies) before it goes to the DLQ. */
  maxAttempts: number;
  sessionTimeoutMs: number;
  /** Also how often a running job heartbeats. */
  heartbeatIntervalMs: number;
  /** How long close()/stop() let running jobs finish before aborting and handing them back. */
  shutdownGraceMs: number;
  /**
   * How long a publish may take before it fails (the broker is down or hung): the dispatcher then
   * retries and says so, instead of waiting minutes inside the client's own retries.
   */
  publishTimeoutMs?: number;
  /**
   * Records a dead-lettered job as failed (the worker's FailStage) so the drama does not wait on it.
   * Called once per job sent to the DLQ; the offset is committed only after it resolves.
   */
  onDeadLetter?: (job: JobMessage, reason: string) => Promise<void>;
  /**
   * What the event store says about the job before it runs: whether it still wants a result, and how
   * many times it was started already (a job that crashes its process every time reaches the DLQ too;
   * without this only handler throws count).
   */
  jobStatus?: (job: JobMessage) => Promise<{ open: boolean; starts: number }>;
}

export const kafkaTopics = (prefix: string) => ({
  stage: (stage: Stage) => `${prefix}drama.jobs.${stage}`,
  dlq: `${prefix}drama.jobs.dlq`,
  group: (stage: Stage) => `${prefix}drama-workers.${stage}`,
});

/** How a consumer's per-partition state is keyed: the same in its batches, commits and assignments. */
const partitionKey = (topic: string, partition: number) => `${topic}|${partition}`;

const ATTEMPTS = 'x-attempts';
const PUBLISHED_AT = 'x-published-at';

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/** One stage's Kafka consumer and the jobs it took. */
interface StageConsumer {
  consumer: Consumer;
  handler: JobHandler;
  /** Shared by the stages of one `consume` call: its concurrency. */
  slots: Semaphore;
  stopping: boolean;
  running: Set<Promise<void>>;
  /** Per `topic|partition`: what was taken and what may be committed. */
  partitions: Map<string, PartitionOffsets>;
  /** Per `topic|partition`: the commit in flight. */
  commits: Map<string, Promise<void>>;
}

interface LocalJob {
  message: JobMessage;
  abort: AbortController;
  /** Why the job was aborted: a cancelled drama drops it, a shutdown hands it back. */
  abortReason: 'cancelled' | 'shutdown' | null;
  started: boolean;
  /** The run's end: true when its offset may be committed. */
  outcome?: Promise<boolean>;
}

/**
 * The job bus across processes. One topic per stage (`drama.jobs.<stage>`, keyed by drama id) and one
 * consumer group per stage. At least once: an offset is committed only after the handler resolved,
 * i.e. after the worker recorded the job's result in the event store (where a second completion is a
 * no-op). A consumer runs up to its concurrency of jobs at once, of any partitions and fetches: a long
 * job never keeps a free slot from a job published after it. Offsets are committed up to the first
 * job still running (`PartitionOffsets`). A job whose handler throws is published again with an attempt count;
 * after `maxAttempts` it goes to `drama.jobs.dlq` and its stage is failed. Delayed jobs (notBefore) are
 * held by the publisher until due, so they never block a partition.
 */
export class KafkaJobBus implements JobBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly topics: ReturnType<typeof kafkaTopics>;
  /** Jobs held by this publisher until their notBefore. */
  private readonly delayed = new Map<string, { message: JobMessage; timer: NodeJS.Timeout }>();
  /** Jobs delivered to this process: waiting for a slot or running. */
  private readonly local = new Map<string, LocalJob>();
  private readonly consumers = new Set<{ stop(graceMs?: number): Promise<void> }>();
  private connected: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly options: KafkaJobBusOptions,
    private readonly logger: Logger,
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      // kafkajs logs every retried response (a rebalance, a leader moving) as an error: warnings here.
      logCreator: () => (entry) => {
        const { message, ...rest } = entry.log;
        if (entry.level <= logLevel.ERROR) this.logger.warn({ kafka: rest }, `kafka: ${message}`);
        else this.logger.debug({ kafka: rest }, `kafka: ${message}`);
      },
      retry: { retries: 8, initialRetryTime: 200 },
    });
    this.producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    this.topics = kafkaTopics(options.prefix);
  }

  /** Connects the producer and creates the stage topics and the DLQ (idempotent). */
  static async open(options: KafkaJobBusOptions, logger: Logger): Promise<KafkaJobBus> {
    const bus = new KafkaJobBus(options, logger);
    await bus.createTopics();
    await bus.producer.connect();
    return bus;
  }

  private async createTopics(): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [...STAGES.map((s) => this.topics.stage(s)), this.topics.dlq].filter(
        (t) => !existing.has(t),
      );
      if (wanted.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: wanted.map((topic) => ({
            topic,
            numPartitions: topic === this.topics.dlq ? 1 : this.options.partitions,
          })),
        });
        this.logger.info({ topics: wanted, partitions: this.options.partitions }, 'kafka topics created');
      }
    } finally {
      await admin.disconnect();
    }
  }

  async publish(jobs: readonly JobMessage[]): Promise<void> {
    const now = Date.now();
    const due: JobMessage[] = [];
    for (const job of jobs) {
      if (this.closed) return;
      const at = job.notBefore ? Date.parse(job.notBefore) : 0;
      if (at > now) {
        if (this.delayed.has(job.jobId)) continue;
        const timer = setTimeout(() => {
          this.delayed.delete(job.jobId);
          this.produce([job], 0).catch((error: unknown) =>
            this.logger.error({ err: error, jobId: job.jobId }, 'delayed publish failed'),
          );
        }, at - now);
        timer.unref();
        this.delayed.set(job.jobId, { message: job, timer });
      } else {
        due.push(job);
      }
    }
    if (due.length > 0) await this.produce(due, 0);
  }

  private async produce(jobs: readonly JobMessage[], attempts: number): Promise<void> {
    const byTopic = new Map<string, JobMessage[]>();
    for (const job of jobs) {
      const topic = this.topics.stage(job.stage);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), job]);
    }
    const sent = this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({
        topic,
        messages: messages.map((job) => ({
          key: job.dramaId,
          value: JSON.stringify(job),
          headers: { [ATTEMPTS]: String(attempts), [PUBLISHED_AT]: String(Date.now()) },
        })),
      })),
    });
    // A send that outlives the timeout may still land later: a job published twice is skipped by the
    // worker (its lease, its result already recorded), never run twice at once.
    sent.catch(() => undefined);
    const timeoutMs = this.options.publishTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      sent,
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`the Kafka broker did not take ${jobs.length} job(s) within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async consume(
    stages: readonly Stage[],
    handler: JobHandler,
    options: { concurrency: number },
  ): Promise<JobConsumer> {
    const slots = new Semaphore(Math.max(1, options.concurrency));
    const started = await Promise.all(stages.map((stage) => this.consumeStage(stage, handler, slots)));
    let stopped: Promise<void> | null = null;
    const consumer = {
      stop: (graceMs = this.options.shutdownGraceMs) => {
        this.consumers.delete(consumer);
        stopped ??= Promise.all(started.map((c) => c.stop(graceMs))).then(() => undefined);
        return stopped;
      },
    };
    this.consumers.add(consumer);
    return { stop: () => consumer.stop() };
  }

  private async consumeStage(
    stage: Stage,
    handler: JobHandler,
    slots: Semaphore,
  ): Promise<{ stop(graceMs: number): Promise<void> }> {
    const consumer: Consumer = this.kafka.consumer({
      groupId: this.topics.group(stage),
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(60_000, this.options.sessionTimeoutMs),
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
    const state: StageConsumer = {
      consumer,
      handler,
      slots,
      stopping: false,
      running: new Set(),
      partitions: new Map(),
      commits: new Map(),
    };
    // A partition that left this member: its jobs still running here finish without committing (the
    // offset is the new owner's now), and if it comes back it is tracked afresh from the group's offset.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => partitionKey(topic, partition)),
        ),
      );
      for (const key of [...state.partitions.keys()]) if (!assigned.has(key)) state.partitions.delete(key);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.stage(stage), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitions,
      eachBatch: (payload) => this.takeBatch(state, payload),
    });
    return {
      stop: async (graceMs: number) => {
        state.stopping = true;
        slots.drain();
        const all = () => Promise.all([...state.running]);
        const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
        await Promise.race([all(), grace]);
        for (const job of this.local.values()) {
          if (job.message.stage !== stage || !job.started) continue;
          job.abortReason ??= 'shutdown';
          job.abort.abort(new JobAbort('shutdown', 'shutting down'));
        }
        // A handler that ignores its abort signal must not hold the process: leave the group anyway
        // (its offset is not committed, so the job goes to another worker).
        await Promise.race([all(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
        await Promise.all([...state.commits.values()]);
        await consumer
          .disconnect()
          .catch((error: unknown) =>
            this.logger.warn({ err: error, stage }, 'kafka consumer disconnect failed'),
          );
      },
    };
  }

  /**
   * Takes the messages of one fetched batch: each waits for a free slot, then runs on its own while
   * the batch moves on. The client fetches again only once every batch of its last fetch returned, so
   * a batch that waited for its jobs to finish would keep a worker with free slots from taking jobs
   * published meanwhile, on any partition, for as long as its slowest job ran. Offsets are resolved
   * (the client reads on) as jobs start and committed as they finish, up to the first still running.
   */
  private async takeBatch(state: StageConsumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const key = partitionKey(batch.topic, batch.partition);
    let offsets = state.partitions.get(key);
    if (!offsets) state.partitions.set(key, (offsets = new PartitionOffsets()));
    const beat = async () => {
      try {
        await payload.heartbeat();
      } catch (error) {
        this.logger.debug({ err: error }, 'kafka heartbeat failed (rebalance in progress?)');
      }
    };
    // The consumer stops, or a rebalance or seek made this batch stale: take nothing more from it.
    const gone = () => state.stopping || !payload.isRunning() || payload.isStale();
    // While it waits for a slot the batch is not returned: keep the group session alive.
    const heartbeats = setInterval(() => void beat(), this.options.heartbeatIntervalMs);
    try {
      for (const raw of batch.messages) {
        if (gone()) return;
        if (!offsets.has(raw.offset)) {
          await state.slots.acquire();
          if (gone()) {
            state.slots.release();
            return;
          }
          offsets.take(raw.offset);
          const run = this.runTaken(state, raw, batch.topic, batch.partition, offsets, beat).finally(() => {
            state.slots.release();
            state.running.delete(run);
          });
          state.running.add(run);
        }
        payload.resolveOffset(raw.offset);
      }
    } finally {
      clearInterval(heartbeats);
    }
  }

  /**
   * Runs one taken message to the end. A delivery that throws (the event store or the broker is down)
   * is tried again here after a pause, so its offset is never committed unfinished.
   */
  private async runTaken(
    state: StageConsumer,
    raw: KafkaMessage,
    topic: string,
    partition: number,
    offsets: PartitionOffsets,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        const done = await this.deliver(raw, topic, state.handler, () => state.stopping, heartbeat);
        if (!done) return; // handed back: never committed, the next consumer gets it
        break;
      } catch (error) {
        const pauseMs = Math.min(30_000, 500 * 2 ** failures);
        this.logger.warn(
          { err: error, topic, offset: raw.offset, retryInMs: pauseMs },
          'job delivery failed: trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
        if (state.stopping) return;
      }
    }
    const key = partitionKey(topic, partition);
    const next = offsets.finish(raw.offset);
    if (next === null || state.partitions.get(key) !== offsets) return;
    // One commit at a time per partition, in order: a later commit never lands before an earlier one.
    const previous = state.commits.get(key) ?? Promise.resolve();
    const commit = previous
      .then(() => state.consumer.commitOffsets([{ topic, partition, offset: next }]))
      .catch((error: unknown) =>
        this.logger.warn({ err: error, topic, partition, offset: next }, 'kafka offset commit failed'),
      );
    state.commits.set(key, commit);
    await commit;
    if (state.commits.get(key) === commit) state.commits.delete(key);
  }

  /** Runs one delivered message. True when its offset may be committed, false to hand it back. */
  private async deliver(
    raw: KafkaMessage,
    topic: string,
    handler: JobHandler,
    stopping: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    let job: JobMessage;
    try {
      job = JSON.parse(raw.value?.toString() ?? '') as JobMessage;
      if (!job.jobId || !job.stage) throw new Error('not a job message');
    } catch (error) {
      this.logger.error(
        { err: error, topic, offset: raw.offset },
        'unreadable job message: dropped to the DLQ',
      );
      await this.producer.send({
        topic: this.topics.dlq,
        messages: [{ key: raw.key, value: raw.value, headers: { ...raw.headers, 'x-reason': 'unreadable' } }],
      });
      return true;
    }
    // The same job delivered again while it runs here (a lease re-dispatch, two dispatchers, a partition
    // fetched again after a rebalance): one run at a time per process, and this copy counts as done only
    // when that run is, so its offset is not committed ahead of the work.
    const running = this.local.get(job.jobId);
    if (running?.outcome) return running.outcome;
    const local: LocalJob = { message: job, abort: new AbortController(), abortReason: null, started: false };
    this.local.set(job.jobId, local);
    this.gauge(job.stage);
    local.outcome = this.run(local, raw, handler, stopping, heartbeat);
    return local.outcome;
  }

  private async run(
    local: LocalJob,
    raw: KafkaMessage,
    handler: JobHandler,
    stopping: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    const job = local.message;
    try {
      const at = job.notBefore ? Date.parse(job.notBefore) : 0;
      while (Date.now() < at && !stopping() && !local.abort.signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(at - Date.now(), 1_000)));
        await heartbeat();
      }
      if (stopping()) return false;
      if (local.abort.signal.aborted) return local.abortReason === 'cancelled';
      const attempts = Number(header(raw.headers, ATTEMPTS) ?? 0);
      const status = (await this.options.jobStatus?.(job)) ?? { open: true, starts: 0 };
      if (!status.open) return true;
      const starts = status.starts;
      if (Math.max(attempts, starts) >= this.options.maxAttempts) {
        await this.deadLetter(
          job,
          raw,
          `job was started ${starts} times and failed ${attempts} times without a result`,
        );
        return true;
      }
      local.started = true;
      try {
        await handler(job, { signal: local.abort.signal, heartbeat });
      } catch (error) {
        if (local.abortReason === 'shutdown') return false;
        // This run is over: the copy published below is a new delivery, not a duplicate of a running one.
        this.forget(local);
        const reason = error instanceof Error ? error.message : String(error);
        if (attempts + 1 >= this.options.maxAttempts) {
          await this.deadLetter(job, raw, `job handler failed ${attempts + 1} times: ${reason}`);
        } else {
          this.logger.warn(
            { err: error, jobId: job.jobId, attempt: attempts + 1 },
            'job handler failed: published again',
          );
          await this.produce([job], attempts + 1);
        }
        return true;
      }
      return local.abortReason !== 'shutdown';
    } finally {
      this.forget(local);
    }
  }

  private forget(local: LocalJob): void {
    const { jobId, stage } = local.message;
    if (this.local.get(jobId) !== local) return;
    this.local.delete(jobId);
    this.gauge(stage);
  }

  private async deadLetter(job: JobMessage, raw: KafkaMessage, reason: string): Promise<void> {
    this.logger.error({ jobId: job.jobId, stage: job.stage, reason }, 'job sent to the dead-letter topic');
    await this.producer.send({
      topic: this.topics.dlq,
      messages: [
        {
          key: job.dramaId,
          value: raw.value,
          headers: { ...raw.headers, 'x-reason': reason, 'x-failed-at': new Date().toISOString() },
        },
      ],
    });
    await this.options.onDeadLetter?.(job, reason);
  }

  private gauge(stage: Stage): void {
    let n = 0;
    for (const job of this.local.values()) if (job.message.stage === stage) n++;
    jobsInFlight.set({ stage }, n);
  }

  cancelDrama(dramaId: string): void {
    for (const [jobId, entry] of this.delayed) {
      if (entry.message.dramaId !== dramaId) continue;
      clearTimeout(entry.timer);
      this.delayed.delete(jobId);
    }
    for (const job of this.local.values()) {
      if (job.message.dramaId !== dramaId) continue;
      job.abortReason ??= 'cancelled';
      job.abort.abort(new JobAbort('cancelled', 'drama cancelled'));
    }
  }

  inFlight(): ReadonlySet<string> {
    return new Set([...this.delayed.keys(), ...this.local.keys()]);
  }

  /** Stops the consumers (running jobs get the grace period, then are handed back) and disconnects. */
  async close(graceMs = this.options.shutdownGraceMs): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.delayed.values()) clearTimeout(entry.timer);
    this.delayed.clear();
    await Promise.all([...this.consumers].map((c) => c.stop(graceMs)));
    await this.producer.disconnect().catch(() => undefined);
  }
}
