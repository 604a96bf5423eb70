import type {
  DramaKind,
  DramaRequest,
  EpisodeOutput,
  ErrorClass,
  JobSpec,
  Stage,
  StageOutput,
} from './drama.types.js';

export type DramaRequested = {
  type: 'DramaRequested';
  data: {
    dramaId: string;
    projectId: string;
    ownerId: string;
    kind: DramaKind;
    request: DramaRequest;
    requestedAt: string;
  };
};
export type JobScheduled = { type: 'JobScheduled'; data: JobSpec & { scheduledAt: string } };
export type JobStarted = {
  type: 'JobStarted';
  /** leaseUntil: absent in events written before leases (their lease is startedAt + leaseSec). */
  data: { jobId: string; worker: string; startedAt: string; leaseUntil?: string };
};
export type JobLeaseRenewed = {
  type: 'JobLeaseRenewed';
  data: { jobId: string; worker: string; leaseUntil: string };
};
export type JobReleased = {
  type: 'JobReleased';
  data: { jobId: string; worker: string; reason: string; releasedAt: string };
};
export type ExternalSubmissionStarted = {
  type: 'ExternalSubmissionStarted';
  data: { jobId: string; provider: string; callKey: string; submissionId: string; startedAt: string };
};
export type ExternalSubmissionFailed = {
  type: 'ExternalSubmissionFailed';
  data: { jobId: string; submissionId: string; reason: string; failedAt: string };
};
export type JobProgressed = {
  type: 'JobProgressed';
  data: { jobId: string; progress: number; message?: string };
};
export type ExternalTaskRecorded = {
  type: 'ExternalTaskRecorded';
  data: {
    jobId: string;
    provider: string;
    taskId: string;
    recordedAt: string;
    /** Which paid call of the job it answers (absent in events written before call keys). */
    callKey?: string;
    submissionId?: string;
  };
};
export type StageCompleted = {
  type: 'StageCompleted';
  data: {
    jobId: string;
    stage: Stage;
    target: string;
    output: StageOutput;
    cached: boolean;
    provider: string;
    model: string;
    durationMs: number;
    usage?: Record<string, number>;
    completedAt: string;
  };
};
export type StageFailed = {
  type: 'StageFailed';
  data: {
    jobId: string;
    stage: Stage;
    target: string;
    errorClass: ErrorClass;
    message: string;
    attempt: number;
    provider: string;
    /** What the failed attempt consumed anyway (a paid call that then failed still costs). */
    usage?: Record<string, number>;
    failedAt: string;
  };
};
export type DramaPaused = { type: 'DramaPaused'; data: { pausedAt: string; by: string } };
export type DramaResumed = { type: 'DramaResumed'; data: { resumedAt: string; by: string } };
export type DramaCancelled = {
  type: 'DramaCancelled';
  data: { cancelledAt: string; by: string; reason: string };
};
export type SceneRegenerationRequested = {
  type: 'SceneRegenerationRequested';
  data: { sceneId: string; revision: number; requestedAt: string; by: string };
};
export type SceneRerenderRequested = {
  type: 'SceneRerenderRequested';
  data: { sceneId: string; rerender: number; reason: string; requestedAt: string };
};
export type DramaCompleted = {
  type: 'DramaCompleted';
  data: { episodes: EpisodeOutput[]; completedAt: string };
};
export type DramaFailed = {
  type: 'DramaFailed';
  data: { stage: Stage; target: string; reason: string; failedAt: string };
};

export type DramaEvent =
  | DramaRequested
  | JobScheduled
  | JobStarted
  | JobLeaseRenewed
  | JobReleased
  | JobProgressed
  | ExternalSubmissionStarted
  | ExternalTaskRecorded
  | ExternalSubmissionFailed
  | StageCompleted
  | StageFailed
  | DramaPaused
  | DramaResumed
  | DramaCancelled
  | SceneRegenerationRequested
  | SceneRerenderRequested
  | DramaCompleted
  | DramaFailed;

export const DRAMA_EVENT_TYPES: readonly DramaEvent['type'][] = [
  'DramaRequested',
  'JobScheduled',
  'JobStarted',
  'JobLeaseRenewed',
  'JobReleased',
  'JobProgressed',
  'ExternalSubmissionStarted',
  'ExternalTaskRecorded',
  'ExternalSubmissionFailed',
  'StageCompleted',
  'StageFailed',
  'DramaPaused',
  'DramaResumed',
  'DramaCancelled',
  'SceneRegenerationRequested',
  'SceneRerenderRequested',
  'DramaCompleted',
  'DramaFailed',
];
