import { DEFAULT_RETRY, type PlannerDeps, type RetryPolicy } from '../../domain/drama/drama.planner.js';
import { contentHash, uuidV5 } from '../shared/hashing.js';

/**
 * How long a worker's claim on a job lasts without a heartbeat. The worker renews it every third of
 * that while it works, so a job whose worker died is handed to another one within this time, however
 * long the job itself runs.
 */
export const LEASE_SEC = 60;

export interface PipelineOptions {
  retry: RetryPolicy;
}

export const PIPELINE_OPTIONS = Symbol('PipelineOptions');
export const defaultPipelineOptions: PipelineOptions = { retry: DEFAULT_RETRY };

export const plannerDeps = (options: PipelineOptions, now: Date): PlannerDeps => ({
  jobId: (parts) => uuidV5(`job:${parts.join('\u0000')}`),
  hash: contentHash,
  retry: options.retry,
  leaseSec: () => LEASE_SEC,
  now: now.toISOString(),
});
