import { ProviderError, type JobContext } from '../../../application/ports/ai-providers.port.js';
import { contentHash, fileHash } from '../../../application/shared/hashing.js';
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
  /**
   * The request as the job sees it (prompt, sizes, seed, a local input file…): the same request gives
   * the same call key in every attempt of the job, which is how a later attempt finds this call's task.
   */
  request: object;
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

/** A key for one paid call: the request's content, with a local input file by its content. */
export async function callKeyOf(label: string, request: object): Promise<string> {
  const { imagePath, ...rest } = request as { imagePath?: unknown };
  const image = typeof imagePath === 'string' ? await fileHash(imagePath) : null;
  return `${label}:${contentHash({ ...rest, image })}`;
}

const taken = new WeakMap<JobContext, Set<string>>();

/**
 * Task ids recorded for this call (by any attempt) that this attempt has not picked up yet, oldest first;
 * tasks recorded before calls had keys are taken in recording order, as they were made.
 */
function recordedFor(ctx: JobContext, provider: string, callKey: string): string[] {
  const used = taken.get(ctx) ?? new Set<string>();
  taken.set(ctx, used);
  const keyed = ctx.paid.tasks(provider, callKey).filter((id) => !used.has(id));
  const legacy = ctx.resumeExternalTasks
    .filter((t) => t.provider === provider && t.callKey === undefined && !used.has(t.taskId))
    .map((t) => t.taskId);
  const picked = keyed.length > 0 ? keyed : legacy.slice(0, 1);
  for (const id of picked) used.add(id);
  return picked;
}

/** The provider answered and refused: nothing was created (a 5xx or a lost connection may have). */
const refusedForSure = (error: unknown): boolean =>
  error instanceof ProviderError &&
  ((error.details.status !== undefined && error.details.status < 500) ||
    error.details.providerCode === 'refused' ||
    error.details.providerCode === 'dns');

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
 * Runs one paid remote task to its output, paying for it at most once across every attempt of the job:
 * 1. a task an attempt recorded for this call is polled instead of submitting again (it is replaced only
 *    when it can no longer give an output: expired, cancelled, failed for a transient reason);
 * 2. a request that was sent but whose answer was never recorded (the process died in between) may have
 *    created a billed task nobody can find: it is not sent again — the call fails as `unconfirmed`, which
 *    the pipeline treats as permanent (the next provider of the chain takes over, ending at the local
 *    renderer; regenerating the scene sends it again on purpose);
 * 3. otherwise the request is recorded as being sent, sent, and its task id recorded before polling.
 */
export async function runRemoteTask<T>(spec: RemoteTaskSpec<T>): Promise<RemoteTaskResult<T>> {
  const { ctx, provider } = spec;
  const callKey = await callKeyOf(spec.label, spec.request);
  for (const taskId of recordedFor(ctx, provider, callKey)) {
    const outcome = await poll(spec, taskId, true);
    if (outcome.done) return { taskId, output: outcome.output, resumed: true };
    if (outcome.error.errorClass !== 'transient') throw outcome.error;
    ctx.reportProgress(0, `${spec.label}: earlier ${provider} task unusable (${outcome.error.message})`);
  }
  const unconfirmed = ctx.paid.unconfirmed(provider, callKey);
  if (unconfirmed) {
    throw new ProviderError(
      provider,
      'unconfirmed',
      `a paid ${spec.label} request was sent at ${unconfirmed.startedAt} by an earlier attempt that stopped ` +
        `before ${provider}'s answer was recorded; it is not sent again, so it is not paid for twice ` +
        '(regenerate the scene to send it again)',
    );
  }
  const submissionId = await ctx.paid.submitting(provider, callKey);
  let taskId: string;
  try {
    taskId = await spec.submit(ctx.signal);
  } catch (error) {
    if (refusedForSure(error)) {
      await ctx.paid.refused(submissionId, (error as Error).message).catch(() => undefined);
    }
    throw error;
  }
  try {
    await ctx.recordExternalTask({ provider, taskId, callKey, submissionId });
  } catch (error) {
    // Unrecorded, the task could never be resumed: stop paying for it.
    await spec.cancel?.(taskId).catch(() => undefined);
    throw error;
  }
  const outcome = await poll(spec, taskId, false);
  if (!outcome.done) throw outcome.error;
  return { taskId, output: outcome.output, resumed: false };
}
