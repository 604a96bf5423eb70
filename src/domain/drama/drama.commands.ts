import type { DramaRequest, ErrorClass, JobSpec, Stage, StageOutput } from './drama.types.js';

type Cmd<T extends string, D> = { type: T; data: D & { now: string } };

export type RequestDrama = Cmd<
  'RequestDrama',
  { dramaId: string; projectId: string; ownerId: string; request: DramaRequest }
>;
export type ScheduleJobs = Cmd<'ScheduleJobs', { jobs: JobSpec[] }>;
/**
 * A worker claims a job for a lease of the job's `leaseSec`. Refused while another worker's lease runs,
 * unless `takeover` (a process that knows no other one can hold leases: the embedded single-process mode).
 */
export type StartJob = Cmd<'StartJob', { jobId: string; worker: string; takeover?: boolean }>;
/** The lease holder's heartbeat; refused (the worker must stop) once another worker holds the job. */
export type RenewJobLease = Cmd<'RenewJobLease', { jobId: string; worker: string }>;
/** A graceful hand-back (shutdown, rebalance): the job is open again at once and no attempt is spent. */
export type ReleaseJob = Cmd<'ReleaseJob', { jobId: string; worker: string; reason: string }>;
/** Recorded BEFORE a paid request is sent: an answer lost in a crash is then known to exist. */
export type RecordExternalSubmission = Cmd<
  'RecordExternalSubmission',
  { jobId: string; provider: string; callKey: string; submissionId: string }
>;
/** The provider answered the paid request with a refusal: nothing was created, it may be sent again. */
export type FailExternalSubmission = Cmd<
  'FailExternalSubmission',
  { jobId: string; submissionId: string; reason: string }
>;
export type ReportJobProgress = Cmd<
  'ReportJobProgress',
  { jobId: string; progress: number; message?: string }
>;
export type RecordExternalTask = Cmd<
  'RecordExternalTask',
  { jobId: string; provider: string; taskId: string; callKey?: string; submissionId?: string }
>;
export type CompleteStage = Cmd<
  'CompleteStage',
  {
    jobId: string;
    output: StageOutput;
    cached: boolean;
    provider: string;
    model: string;
    durationMs: number;
    usage?: Record<string, number>;
  }
>;
export type FailStage = Cmd<
  'FailStage',
  { jobId: string; errorClass: ErrorClass; message: string; provider: string; usage?: Record<string, number> }
>;
export type PauseDrama = Cmd<'PauseDrama', { actorId: string }>;
export type ResumeDrama = Cmd<'ResumeDrama', { actorId: string }>;
export type CancelDrama = Cmd<'CancelDrama', { actorId: string; reason: string }>;
export type RegenerateScene = Cmd<'RegenerateScene', { actorId: string; sceneId: string }>;
export type RequestRerender = Cmd<'RequestRerender', { sceneId: string; reason: string }>;
export type CompleteDrama = Cmd<'CompleteDrama', object>;
export type FailDrama = Cmd<'FailDrama', { stage: Stage; target: string; reason: string }>;

export type DramaCommand =
  | RequestDrama
  | ScheduleJobs
  | StartJob
  | RenewJobLease
  | ReleaseJob
  | ReportJobProgress
  | RecordExternalSubmission
  | RecordExternalTask
  | FailExternalSubmission
  | CompleteStage
  | FailStage
  | PauseDrama
  | ResumeDrama
  | CancelDrama
  | RegenerateScene
  | RequestRerender
  | CompleteDrama
  | FailDrama;
