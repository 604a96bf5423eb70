import type { DramaRequest, ErrorClass, JobSpec, Stage, StageOutput } from './drama.types.js';

type Cmd<T extends string, D> = { type: T; data: D & { now: string } };

export type RequestDrama = Cmd<
  'RequestDrama',
  { dramaId: string; projectId: string; ownerId: string; request: DramaRequest }
>;
export type ScheduleJobs = Cmd<'ScheduleJobs', { jobs: JobSpec[] }>;
export type StartJob = Cmd<'StartJob', { jobId: string; worker: string }>;
export type ReportJobProgress = Cmd<
  'ReportJobProgress',
  { jobId: string; progress: number; message?: string }
>;
export type RecordExternalTask = Cmd<
  'RecordExternalTask',
  { jobId: string; provider: string; taskId: string }
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
  | ReportJobProgress
  | RecordExternalTask
  | CompleteStage
  | FailStage
  | PauseDrama
  | ResumeDrama
  | CancelDrama
  | RegenerateScene
  | RequestRerender
  | CompleteDrama
  | FailDrama;
