import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExternalTask, JobContext, Usage } from '../../src/application/ports/ai-providers.port.js';
import type { AiLimits } from '../../src/infrastructure/config/ai.config.js';
import { Secret } from '../../src/infrastructure/config/secret.js';
import { NO_OUTBOUND_EXCEPTIONS } from '../../src/infrastructure/net/safe-fetch.js';

/** Limits small enough for tests against local doubles. */
export const testLimits = (overrides: Partial<AiLimits> = {}): AiLimits => ({
  outbound: NO_OUTBOUND_EXCEPTIONS,
  requestTimeoutMs: 5_000,
  llmTimeoutMs: 10_000,
  llmMaxAttempts: 3,
  taskTimeoutMs: 20_000,
  downloadTimeoutMs: 5_000,
  downloadMaxBytes: 10 * 1024 * 1024,
  retries: 3,
  maxRetryWaitMs: 5_000,
  ...overrides,
});

export const secret = (value: string): Secret => new Secret(value);

export interface TestJobContext extends JobContext {
  controller: AbortController;
  recorded: ExternalTask[];
  /** Paid requests recorded before they were sent, and what became of each. */
  submissions: TestSubmission[];
  progress: Array<{ fraction: number; message?: string }>;
  usage: Usage[];
}

export interface TestSubmission {
  submissionId: string;
  provider: string;
  callKey: string;
  startedAt: string;
  outcome: 'sent' | 'recorded' | 'refused';
}

const dirs: string[] = [];

/**
 * A JobContext as the pipeline gives one: its own temp folder, an abort controller, and lists of what
 * the adapter recorded. `onProgress` sees every progress report (a test can abort there to simulate a
 * crash mid-poll); `recordDelayMs` makes the durable record slow, to show polling waits for it.
 */
export async function jobContext(
  options: {
    /** What earlier attempts recorded (a restart): their tasks and their submissions. */
    resume?: readonly ExternalTask[];
    submissions?: readonly TestSubmission[];
    onProgress?: (ctx: TestJobContext, fraction: number, message?: string) => void;
    recordDelayMs?: number;
  } = {},
): Promise<TestJobContext> {
  const workDir = await mkdtemp(join(tmpdir(), 'k3s-job-'));
  dirs.push(workDir);
  const controller = new AbortController();
  const ctx: TestJobContext = {
    controller,
    signal: controller.signal,
    workDir,
    recorded: [],
    submissions: (options.submissions ?? []).map((s) => ({ ...s })),
    progress: [],
    usage: [],
    resumeExternalTasks: options.resume ?? [],
    paid: {
      tasks: (provider, callKey) =>
        [...(options.resume ?? []), ...ctx.recorded]
          .filter((t) => t.provider === provider && t.callKey === callKey)
          .map((t) => t.taskId),
      unconfirmed: (provider, callKey) =>
        ctx.submissions.find(
          (s) => s.provider === provider && s.callKey === callKey && s.outcome === 'sent',
        ) ?? null,
      async submitting(provider, callKey) {
        const submissionId = randomUUID();
        ctx.submissions.push({
          submissionId,
          provider,
          callKey,
          startedAt: new Date().toISOString(),
          outcome: 'sent',
        });
        return submissionId;
      },
      async refused(submissionId) {
        for (const s of ctx.submissions) if (s.submissionId === submissionId) s.outcome = 'refused';
      },
    },
    reportProgress(fraction, message) {
      ctx.progress.push({ fraction, message });
      options.onProgress?.(ctx, fraction, message);
    },
    async recordExternalTask(task) {
      if (options.recordDelayMs) await new Promise((r) => setTimeout(r, options.recordDelayMs));
      ctx.recorded.push(task);
      for (const s of ctx.submissions) if (s.submissionId === task.submissionId) s.outcome = 'recorded';
    },
    recordUsage(usage) {
      ctx.usage.push(usage);
    },
  };
  return ctx;
}

/** Simulates a worker dying mid-poll: aborts the job at the first progress message containing `word`. */
export const abortWhenProgress =
  (word: string, reason = 'worker restarted') =>
  (ctx: TestJobContext, _fraction: number, message?: string): void => {
    if (message?.includes(word)) ctx.controller.abort(new Error(reason));
  };

export async function removeJobDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Resolves once `predicate` holds, polling briefly; fails the test after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
