import type { Stage } from '../../domain/drama/drama.types.js';

/** How a job ended, as far as this process is concerned. */
export type JobOutcome = 'completed' | 'failed' | 'cancelled';

/** Where workers record what they did (Prometheus in production); the worker never reads it back. */
export interface JobMetrics {
  jobStarted(stage: Stage): void;
  jobFinished(stage: Stage, outcome: JobOutcome, seconds: number): void;
}

export const noJobMetrics: JobMetrics = {
  jobStarted: () => undefined,
  jobFinished: () => undefined,
};
