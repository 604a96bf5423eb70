import { DEFAULT_RETRY, type PlannerDeps, type RetryPolicy } from '../../domain/drama/drama.planner.js';
import type { Stage } from '../../domain/drama/drama.types.js';
import { contentHash, uuidV5 } from '../shared/hashing.js';

/** How long a worker may hold a job before it is handed to another one. */
const LEASE_SEC: Record<Stage, number> = {
  script: 300,
  storyboard: 60,
  images: 300,
  video: 900,
  review: 300,
  assemble: 600,
};

export interface PipelineOptions {
  retry: RetryPolicy;
}

export const PIPELINE_OPTIONS = Symbol('PipelineOptions');
export const defaultPipelineOptions: PipelineOptions = { retry: DEFAULT_RETRY };

export const plannerDeps = (options: PipelineOptions, now: Date): PlannerDeps => ({
  jobId: (parts) => uuidV5(`job:${parts.join('\u0000')}`),
  hash: contentHash,
  retry: options.retry,
  leaseSec: (stage) => LEASE_SEC[stage],
  now: now.toISOString(),
});
