import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DramaCommand } from '../../domain/drama/drama.commands.js';
import { dramaKindFor, foldDrama } from '../../domain/drama/drama.streams.js';
import { type ActiveDrama, isOpenJob, type JobState } from '../../domain/drama/drama.state.js';
import type { Stage, StageOutput } from '../../domain/drama/drama.types.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { ExternalTask, JobContext, PaidCalls, Usage } from '../ports/ai-providers.port.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { EventStore } from '../ports/event-store.port.js';
import { JobAbort, type JobControl, type JobMessage } from '../ports/job-bus.port.js';
import { type JobMetrics, type JobOutcome, noJobMetrics } from '../ports/job-metrics.port.js';
import type { CachedStage, StageCache } from '../ports/stage-cache.port.js';
import type { Clock, IdGenerator } from '../ports/system.port.js';
import { sceneRefs } from '../stages/script.stage.js';
import { classify, type StageExecutor } from '../stages/stage-executor.js';
import { handleCommand } from '../shared/command-handler.js';
import { contentHash } from '../shared/hashing.js';
import { type RequestContext, requestContext } from '../shared/request-context.js';
import { scheduledEventOf } from './job-dispatcher.js';

export interface JobWorkerDeps {
  store: EventStore;
  clock: Clock;
  ids: IdGenerator;
  stages: Record<Stage, StageExecutor>;
  cache: StageCache;
  blobs: BlobStore;
  /** Parent folder of the per-job temp folders. */
  workRoot: string;
  workerName: string;
  /**
   * Take a job whose lease another worker still holds: only for a process that knows no other one can
   * run jobs (the embedded single-process mode, after a restart: the holder was this process, now dead).
   */
  takeoverLeases?: boolean;
  logger: Logger;
  /** Jobs by stage and outcome, durations, jobs running. */
  metrics?: JobMetrics;
}

/** Script and storyboard results name this drama's scene ids: they are cached per drama only. */
const cacheKey = (drama: ActiveDrama, job: JobState) =>
  contentHash({
    stage: job.stage,
    provider: job.provider,
    input: job.inputHash,
    drama: job.stage === 'script' || job.stage === 'storyboard' ? drama.dramaId : null,
  });

/** The media keys an output names, its cast's portraits included: a cached result needs them all. */
const blobKeys = (output: StageOutput): string[] => [
  ...Object.entries(output)
    .filter(([name, value]) => /(^k|K)ey$/.test(name) && typeof value === 'string')
    .map(([, value]) => value as string),
  ...(output.stage === 'cast' ? output.characters.map((c) => c.portraitKey) : []),
];

/**
 * Runs one job: claims it (JobStarted), reuses a cached result or runs the stage in its own temp
 * folder, and reports StageCompleted or StageFailed. A job that is no longer wanted (finished,
 * superseded, paused or cancelled drama) is skipped. An aborted job reports nothing: it is cancelled,
 * or this process is stopping and the job will be handed out again.
 */
export class JobWorker {
  constructor(private readonly deps: JobWorkerDeps) {}

  /**
   * Runs the job inside the request context of the event that scheduled it: every log line carries the
   * request's correlation id, and every event the job appends has it too, caused by that JobScheduled.
   */
  async handle(message: JobMessage, control: JobControl): Promise<void> {
    const context = await this.contextOf(message);
    return requestContext.run(context, () => this.run(message, control));
  }

  private async contextOf(message: JobMessage): Promise<RequestContext> {
    if (message.correlationId) {
      return { correlationId: message.correlationId, causationId: message.causationId ?? null, userId: null };
    }
    const scheduled = scheduledEventOf(await this.deps.store.readStream(message.streamId), message.jobId);
    return {
      correlationId: scheduled?.metadata.correlationId ?? message.jobId,
      causationId: scheduled?.id ?? null,
      userId: null,
    };
  }

  private async run(message: JobMessage, control: JobControl): Promise<void> {
    const { logger } = this.deps;
    const metrics = this.deps.metrics ?? noJobMetrics;
    const log = logger.child({
      jobId: message.jobId,
      stage: message.stage,
      target: message.target,
      dramaId: message.dramaId,
    });
    const worker = this.deps.workerName;
    try {
      await this.command(message, {
        type: 'StartJob',
        data: { jobId: message.jobId, worker, takeover: this.deps.takeoverLeases, now: this.now() },
      });
    } catch (error) {
      if (error instanceof DomainError) {
        log.debug({ reason: error.message }, 'job skipped');
        return;
      }
      throw error;
    }
    const drama = await this.load(message.streamId);
    const job = drama.jobs[message.jobId];
    if (!job) return;
    await mkdir(this.deps.workRoot, { recursive: true });
    const workDir = await mkdtemp(join(this.deps.workRoot, `${message.stage}-`));
    // The lease: renewed while the job runs; lost (another worker took the job after it ran out), the
    // job stops here at once and reports nothing: the other worker owns it now.
    const lease = new AbortController();
    const signal = AbortSignal.any([control.signal, lease.signal]);
    let renewedAt = Date.now();
    const renewEveryMs = (job.leaseSec * 1000) / 3;
    const heartbeat = setInterval(
      () => {
        void control.heartbeat().catch(() => undefined);
        if (Date.now() - renewedAt < renewEveryMs || signal.aborted) return;
        renewedAt = Date.now();
        this.command(message, {
          type: 'RenewJobLease',
          data: { jobId: job.jobId, worker, now: this.now() },
        }).catch((error: unknown) => {
          if (!(error instanceof DomainError)) return; // the store is down: the next beat tries again
          log.warn({ reason: error.message }, 'job lease lost: stopping');
          lease.abort(new JobAbort('lease_lost', error.message));
        });
      },
      Math.min(3_000, renewEveryMs),
    );
    const usage: Usage = {};
    const progress = new ProgressReporter((fraction, text) =>
      this.command(message, {
        type: 'ReportJobProgress',
        data: { jobId: job.jobId, progress: fraction, message: text, now: this.now() },
      }),
    );
    const ctx: JobContext = {
      signal,
      workDir,
      reportProgress: (fraction, text) => progress.report(fraction, text),
      recordExternalTask: (task: ExternalTask) =>
        this.command(message, {
          type: 'RecordExternalTask',
          data: { jobId: job.jobId, ...task, now: this.now() },
        }).then(() => undefined),
      resumeExternalTasks: job.externalTasks,
      paid: this.paidCalls(message, drama, job),
      recordUsage: (u) => {
        for (const [k, v] of Object.entries(u) as [keyof Usage, number][]) usage[k] = (usage[k] ?? 0) + v;
      },
    };
    const started = Date.now();
    // Anything that escapes (e.g. the result could not be recorded) counts as a failure.
    let outcome: JobOutcome = 'failed';
    metrics.jobStarted(job.stage);
    try {
      const key = cacheKey(drama, job);
      let result = await this.fromCache(key, drama);
      const cached = result !== null;
      if (!result) {
        log.info('job started');
        result = await this.deps.stages[job.stage].run({ drama, job, ctx });
        await this.deps.cache.put(key, result);
      }
      if (lease.signal.aborted) throw lease.signal.reason;
      await progress.flush();
      await this.command(message, {
        type: 'CompleteStage',
        data: {
          jobId: job.jobId,
          output: result.output,
          cached,
          provider: result.provider,
          model: result.model,
          durationMs: Date.now() - started,
          usage: Object.keys(usage).length > 0 ? (usage as Record<string, number>) : undefined,
          now: this.now(),
        },
      });
      outcome = 'completed';
      log.info({ cached, ms: Date.now() - started }, 'job completed');
    } catch (error) {
      if (signal.aborted) {
        outcome = 'cancelled';
        const reason: unknown = signal.reason;
        if (reason instanceof JobAbort && reason.kind === 'shutdown') {
          // Handed back: another worker may take it at once, and the start is not counted as an attempt.
          await this.command(message, {
            type: 'ReleaseJob',
            data: { jobId: job.jobId, worker, reason: 'worker shutting down', now: this.now() },
          }).catch((releaseError: unknown) =>
            log.warn({ err: releaseError }, 'could not hand the job back; its lease will run out'),
          );
          log.info('job handed back (shutting down)');
        } else {
          log.info({ reason: reason instanceof Error ? reason.message : String(reason) }, 'job aborted');
        }
        return;
      }
      const { errorClass, message: reason } = classify(error);
      log.warn({ err: error, errorClass }, 'job failed');
      await progress.flush();
      await this.command(message, {
        type: 'FailStage',
        data: {
          jobId: job.jobId,
          errorClass,
          message: reason,
          provider: job.provider,
          usage: Object.keys(usage).length > 0 ? (usage as Record<string, number>) : undefined,
          now: this.now(),
        },
      });
    } finally {
      metrics.jobFinished(job.stage, outcome, (Date.now() - started) / 1000);
      clearInterval(heartbeat);
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /**
   * The paid calls of every attempt of this job (same stage, target, provider and input), so a retry,
   * a restart or another worker resumes a task instead of paying for it again.
   */
  private paidCalls(message: JobMessage, drama: ActiveDrama, job: JobState): PaidCalls {
    const attempts = Object.values(drama.jobs)
      .filter(
        (j) =>
          j.stage === job.stage &&
          j.target === job.target &&
          j.provider === job.provider &&
          j.inputHash === job.inputHash,
      )
      .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt) || a.attempt - b.attempt);
    return {
      tasks: (provider, callKey) =>
        attempts.flatMap((j) =>
          j.externalTasks
            .filter((t) => t.provider === provider && t.callKey === callKey)
            .map((t) => t.taskId),
        ),
      unconfirmed: (provider, callKey) => {
        const sent = attempts
          .flatMap((j) => j.submissions)
          .find((s) => s.provider === provider && s.callKey === callKey && s.outcome === 'sent');
        return sent ? { submissionId: sent.submissionId, startedAt: sent.startedAt } : null;
      },
      submitting: async (provider, callKey) => {
        const submissionId = this.deps.ids.uuid();
        await this.command(message, {
          type: 'RecordExternalSubmission',
          data: { jobId: job.jobId, provider, callKey, submissionId, now: this.now() },
        });
        return submissionId;
      },
      refused: async (submissionId, reason) => {
        await this.command(message, {
          type: 'FailExternalSubmission',
          data: { jobId: job.jobId, submissionId, reason: reason.slice(0, 500), now: this.now() },
        });
      },
    };
  }

  /**
   * Whether the job still wants a result (current, unfinished, drama live) and how many times it was
   * started already: lets a bus skip stale duplicates and count deliveries that crashed their process.
   */
  async status(message: JobMessage): Promise<{ open: boolean; starts: number }> {
    const stored = await this.deps.store.readStream(message.streamId);
    // A start handed back gracefully (JobReleased) was not an attempt.
    const count = (type: string) =>
      stored.filter((e) => e.type === type && (e.data as { jobId?: string }).jobId === message.jobId).length;
    const starts = count('JobStarted') - count('JobReleased');
    const state = foldDrama(stored);
    return { open: state.status !== 'empty' && isOpenJob(state, message.jobId), starts };
  }

  /** A job the bus gave up on (dead-lettered): its stage fails with the reason, like a permanent failure. */
  async deadLetter(message: JobMessage, reason: string): Promise<void> {
    await this.command(message, {
      type: 'FailStage',
      data: {
        jobId: message.jobId,
        errorClass: 'permanent',
        message: `dead-lettered: ${reason}`,
        provider: message.provider,
        now: this.now(),
      },
    });
  }

  private async fromCache(key: string, drama: ActiveDrama): Promise<CachedStage | null> {
    const hit = await this.deps.cache.get(key);
    if (!hit) return null;
    for (const blob of blobKeys(hit.output)) {
      if (!(await this.deps.blobs.stat(blob))) return null;
    }
    if (hit.output.stage === 'script') {
      return { ...hit, output: { ...hit.output, scenes: sceneRefs(drama.dramaId, hit.output.script) } };
    }
    return hit;
  }

  private async load(streamId: string): Promise<ActiveDrama> {
    const stored = await this.deps.store.readStream(streamId);
    const state = foldDrama(stored);
    if (state.status === 'empty') throw new Error(`stream ${streamId} is empty`);
    return state;
  }

  /** Appends under the job's request context (see handle): correlation of the request, causation JobScheduled. */
  private command(message: JobMessage, command: DramaCommand) {
    return handleCommand(this.deps, message.streamId, dramaKindFor(message.streamId), command);
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** Turns a stream of fractions into a few progress events (every 25 %, or a new message after 3 s). */
class ProgressReporter {
  private last = 0;
  private lastAt = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly send: (fraction: number, message?: string) => Promise<unknown>) {}

  report(fraction: number, message?: string): void {
    const now = Date.now();
    if (fraction - this.last < 0.25 && (now - this.lastAt < 3_000 || fraction <= this.last)) return;
    this.last = fraction;
    this.lastAt = now;
    this.chain = this.chain.then(() => this.send(fraction, message)).catch(() => undefined);
  }

  flush(): Promise<unknown> {
    return this.chain;
  }
}
