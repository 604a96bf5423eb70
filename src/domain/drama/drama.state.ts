import { assertNever } from '../shared/decider.js';
import type { DramaEvent } from './drama.events.js';
import type {
  DramaKind,
  DramaRequest,
  DramaStatus,
  EpisodeOutput,
  ErrorClass,
  JobSpec,
  ScriptOutput,
  Stage,
  StageOutput,
} from './drama.types.js';

export type JobStatus = 'scheduled' | 'running' | 'completed' | 'failed';

export interface JobState extends JobSpec {
  status: JobStatus;
  scheduledAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: number;
  externalTasks: { provider: string; taskId: string }[];
  error: { errorClass: ErrorClass; message: string } | null;
}

export interface OutputRecord {
  output: StageOutput;
  inputHash: string;
  jobId: string;
  provider: string;
  model: string;
  cached: boolean;
}

export interface ActiveDrama {
  status: DramaStatus;
  dramaId: string;
  projectId: string;
  ownerId: string;
  kind: DramaKind;
  request: DramaRequest;
  createdAt: string;
  updatedAt: string;
  jobs: Record<string, JobState>;
  /** The newest job per `stage:target`; an older one is superseded and its results are ignored. */
  latest: Record<string, string>;
  outputs: Record<string, OutputRecord>;
  revisions: Record<string, number>;
  rerenders: Record<string, number>;
  episodes: EpisodeOutput[];
  failure: { stage: Stage; target: string; reason: string } | null;
  completedAt: string | null;
}

export type DramaState = { status: 'empty' } | ActiveDrama;

export const slot = (stage: Stage, target: string) => `${stage}:${target}`;

export const scriptOf = (state: ActiveDrama): ScriptOutput | null => {
  const record = state.outputs[slot('script', 'drama')];
  return record?.output.stage === 'script' ? record.output : null;
};

const withJob = (
  state: ActiveDrama,
  jobId: string,
  change: (job: JobState) => JobState,
  at: string,
): ActiveDrama => {
  const job = state.jobs[jobId];
  if (!job) return state;
  return { ...state, jobs: { ...state.jobs, [jobId]: change(job) }, updatedAt: at };
};

/** Folds one drama event. Never throws: a recorded event that no longer fits is ignored. */
export function evolveDrama(state: DramaState, event: DramaEvent): DramaState {
  if (event.type === 'DramaRequested') {
    if (state.status !== 'empty') return state;
    const d = event.data;
    return {
      status: 'pending',
      dramaId: d.dramaId,
      projectId: d.projectId,
      ownerId: d.ownerId,
      kind: d.kind,
      request: d.request,
      createdAt: d.requestedAt,
      updatedAt: d.requestedAt,
      jobs: {},
      latest: {},
      outputs: {},
      revisions: {},
      rerenders: {},
      episodes: [],
      failure: null,
      completedAt: null,
    };
  }
  if (state.status === 'empty') return state;
  switch (event.type) {
    case 'JobScheduled': {
      const { scheduledAt, ...spec } = event.data;
      const job: JobState = {
        ...spec,
        status: 'scheduled',
        scheduledAt,
        startedAt: null,
        finishedAt: null,
        progress: 0,
        externalTasks: [],
        error: null,
      };
      return {
        ...state,
        jobs: { ...state.jobs, [spec.jobId]: job },
        latest: { ...state.latest, [slot(spec.stage, spec.target)]: spec.jobId },
        updatedAt: scheduledAt,
      };
    }
    case 'JobStarted': {
      const next = withJob(
        state,
        event.data.jobId,
        (job) => ({ ...job, status: 'running', startedAt: event.data.startedAt, progress: 0 }),
        event.data.startedAt,
      );
      return next.status === 'pending' ? { ...next, status: 'running' } : next;
    }
    case 'JobProgressed':
      return withJob(
        state,
        event.data.jobId,
        (job) => ({ ...job, progress: event.data.progress }),
        state.updatedAt,
      );
    case 'ExternalTaskRecorded':
      return withJob(
        state,
        event.data.jobId,
        (job) => ({
          ...job,
          externalTasks: [...job.externalTasks, { provider: event.data.provider, taskId: event.data.taskId }],
        }),
        event.data.recordedAt,
      );
    case 'StageCompleted': {
      const d = event.data;
      const job = state.jobs[d.jobId];
      if (!job) return state;
      const next = withJob(
        state,
        d.jobId,
        (j) => ({ ...j, status: 'completed', progress: 1, finishedAt: d.completedAt }),
        d.completedAt,
      );
      const record: OutputRecord = {
        output: d.output,
        inputHash: job.inputHash,
        jobId: d.jobId,
        provider: d.provider,
        model: d.model,
        cached: d.cached,
      };
      return { ...next, outputs: { ...next.outputs, [slot(d.stage, d.target)]: record } };
    }
    case 'StageFailed': {
      const d = event.data;
      return withJob(
        state,
        d.jobId,
        (j) => ({
          ...j,
          status: 'failed',
          finishedAt: d.failedAt,
          error: { errorClass: d.errorClass, message: d.message },
        }),
        d.failedAt,
      );
    }
    case 'DramaPaused':
      return { ...state, status: 'paused', updatedAt: event.data.pausedAt };
    case 'DramaResumed':
      return { ...state, status: 'running', updatedAt: event.data.resumedAt };
    case 'DramaCancelled':
      return { ...state, status: 'cancelled', updatedAt: event.data.cancelledAt };
    case 'SceneRegenerationRequested': {
      const d = event.data;
      const status: DramaStatus =
        state.status === 'completed' || state.status === 'failed' ? 'running' : state.status;
      return {
        ...state,
        status,
        failure: status === 'running' ? null : state.failure,
        revisions: { ...state.revisions, [d.sceneId]: d.revision },
        rerenders: { ...state.rerenders, [d.sceneId]: 0 },
        updatedAt: d.requestedAt,
      };
    }
    case 'SceneRerenderRequested':
      return {
        ...state,
        rerenders: { ...state.rerenders, [event.data.sceneId]: event.data.rerender },
        updatedAt: event.data.requestedAt,
      };
    case 'DramaCompleted':
      return {
        ...state,
        status: 'completed',
        episodes: event.data.episodes,
        completedAt: event.data.completedAt,
        updatedAt: event.data.completedAt,
      };
    case 'DramaFailed': {
      const { failedAt, ...failure } = event.data;
      return { ...state, status: 'failed', failure, updatedAt: failedAt };
    }
    default:
      return assertNever(event);
  }
}
