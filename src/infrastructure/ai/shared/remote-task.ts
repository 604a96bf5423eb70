import {
  ProviderError,
  type ExternalTask,
  type JobContext,
} from '../../../application/ports/ai-providers.port.js';
import { backoffDelay, sleep } from './backoff.js';

/** One look at a remote task, in our terms. */
export type RemoteStatus<T> =
  | { state: 'queued'; message?: string }
  | { state: 'running'; progress?: number; message?: string }
  | { state: 'succeeded'; output: T }
  | { state: 'failed'; error: ProviderError }
  | { state: 'cancelled'; message: string }
  /** The provider no longer knows the id (expired or deleted). */
  | { state: 'gone'; message: string };

export interface RemoteTaskSpec<T> {
  provider: string;
  ctx: JobContext;
  /** What the task makes, for progress messages ("video clip"). */
  label: string;
  /** Sends the paid request and returns the provider's task id. */
  submit(signal: AbortSignal): Promise<string>;
  status(taskId: string, signal: AbortSignal): Promise<RemoteStatus<T>>;
  /** Best effort, used only when a submitted task could not be recorded. */
  cancel?(taskId: string): Promise<void>;
  pollIntervalMs: number;
  timeoutMs: number;
  /** Consecutive transient polling failures tolerated before giving up (the task stays recorded). */
  maxPollFailures: number;
  /** Typical running time, to estimate progress where the provider reports none. */
  expectedMs?: number;
}

export interface RemoteTaskResult<T> {
  taskId: string;
  output: T;
  resumed: boolean;
}

const taken = new WeakMap<JobContext, Set<string>>();

/**
 * The next task an earlier attempt of this job recorded for `provider` and this attempt has not picked up
 * yet: a job that makes several outputs in a fixed order resumes each of its tasks in that order.
 */
function takeRecorded(ctx: JobContext, provider: string): ExternalTask | undefined {
  const used = taken.get(ctx) ?? new Set<string>();
  taken.set(ctx, used);
  const task = ctx.resumeExternalTasks.find((t) => t.provider === provider && !used.has(t.taskId));
  if (task) used.add(task.taskId);
  return task;
}

type PollOutcome<T> = { done: true; output: T } | { done: false; error: ProviderError };

const jittered = (ms: number) => Math.round(ms * (0.75 + Math.random() * 0.5));

async function poll<T>(spec: RemoteTaskSpec<T>, taskId: string, immediate: boolean): Promise<PollOutcome<T>> {
  const { ctx, provider, label } = spec;
  const started = Date.now();
  const expected = spec.expectedMs ?? 60_000;
  let failures = 0;
  let wait = immediate ? 0 : jittered(spec.pollIntervalMs);
  let last = '';
  const report = (fraction: number, message: string) => {
    const key = `${fraction.toFixed(3)}|${message}`;
    if (key !== last) ctx.reportProgress(fraction, message);
    last = key;
  };
  for (;;) {
    if (wait > 0) await sleep(wait, ctx.signal);
    if (Date.now() - started > spec.timeoutMs) {
      throw new ProviderError(
        provider,
        'transient',
        `${label} task ${taskId} not finished after ${Math.round(spec.timeoutMs / 1000)} s; it stays recorded and the next attempt resumes it`,
      );
    }
    let status: RemoteStatus<T>;
    try {
      status = await spec.status(taskId, ctx.signal);
      failures = 0;
    } catch (error) {
      const transient = error instanceof ProviderError && error.errorClass === 'transient';
      if (!transient || ++failures > spec.maxPollFailures) throw error;
      wait = backoffDelay(failures - 1, error.details.retryAfterMs, Math.min(1000, spec.pollIntervalMs));
      continue;
    }
    wait = jittered(spec.pollIntervalMs);
    switch (status.state) {
      case 'queued':
        report(0, `${label}: queued at ${provider}${status.message ? ` (${status.message})` : ''}`);
        break;
      case 'running': {
        const estimated = 0.9 * (1 - Math.exp(-(Date.now() - started) / expected));
        const fraction = 0.95 * Math.min(1, Math.max(0, status.progress ?? estimated));
        report(fraction, `${label}: running at ${provider}${status.message ? ` (${status.message})` : ''}`);
        break;
      }
      case 'succeeded':
        return { done: true, output: status.output };
      case 'failed':
        return { done: false, error: status.error };
      case 'cancelled':
      case 'gone':
        return {
          done: false,
          error: new ProviderError(provider, 'transient', `task ${taskId}: ${status.message}`),
        };
      default: {
        const never: never = status;
        throw new Error(`unknown task state ${JSON.stringify(never)}`);
      }
    }
  }
}

/**
 * Runs one paid remote task to its output. A task an earlier attempt recorded is polled instead of
 * submitting again; it is replaced only when it can no longer give an output (expired, cancelled, or
 * failed for a transient reason). A new task id is recorded, and the record awaited, before polling.
 */
export async function runRemoteTask<T>(spec: RemoteTaskSpec<T>): Promise<RemoteTaskResult<T>> {
  const { ctx, provider } = spec;
  const recorded = takeRecorded(ctx, provider);
  if (recorded) {
    const outcome = await poll(spec, recorded.taskId, true);
    if (outcome.done) return { taskId: recorded.taskId, output: outcome.output, resumed: true };
    if (outcome.error.errorClass !== 'transient') throw outcome.error;
    ctx.reportProgress(
      0,
      `${spec.label}: earlier ${provider} task unusable (${outcome.error.message}); submitting anew`,
    );
  }
  const taskId = await spec.submit(ctx.signal);
  try {
    await ctx.recordExternalTask({ provider, taskId });
  } catch (error) {
    // Unrecorded, the task could never be resumed: stop paying for it.
    await spec.cancel?.(taskId).catch(() => undefined);
    throw error;
  }
  const outcome = await poll(spec, taskId, false);
  if (!outcome.done) throw outcome.error;
  return { taskId, output: outcome.output, resumed: false };
}
