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

/** A paid remote task a job recorded; `callKey` names which of the job's paid calls it answers. */
export interface ExternalTaskRecord {
  provider: string;
  taskId: string;
  callKey?: string;
}

/** A paid request recorded before it was sent, and what became of it. */
export interface SubmissionRecord {
  submissionId: string;
  provider: string;
  callKey: string;
  startedAt: string;
  outcome: 'sent' | 'recorded' | 'refused';
}

export interface JobState extends JobSpec {
  status: JobStatus;
  scheduledAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: number;
  /** The worker holding the job and until when (null when nobody does). */
  worker: string | null;
  leaseUntil: string | null;
  /** Graceful hand-backs: starts that were not attempts. */
  releases: number;
  externalTasks: ExternalTaskRecord[];
  submissions: SubmissionRecord[];
  error: { errorClass: ErrorClass; message: string } | null;
}

const plusSeconds = (iso: string, seconds: number) =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** When the job's current lease ends: null when nobody holds it. */
export const leaseEnd = (job: JobState): string | null =>
  job.status !== 'running'
    ? null
    : (job.leaseUntil ?? (job.startedAt ? plusSeconds(job.startedAt, job.leaseSec) : null));

export const leaseFrom = (now: string, job: JobSpec) => plusSeconds(now, job.leaseSec);

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

/** Whether a drama still takes work: not yet completed, failed, cancelled or paused. */
export const isLive = (drama: ActiveDrama) => drama.status === 'pending' || drama.status === 'running';

/**
 * A job whose result still counts: known, the newest for its `stage:target`, and of a drama that was
 * not stopped. The one definition of "is this job still current" (decider, worker, dispatcher).
 */
export function currentJob(drama: ActiveDrama, jobId: string): JobState | null {
  const job = drama.jobs[jobId];
  if (!job || drama.latest[slot(job.stage, job.target)] !== jobId) return null;
  if (drama.status === 'cancelled' || drama.status === 'failed') return null;
  return job;
}

/**
 * The current jobs still waiting for a worker or running. A paused drama keeps them (they resume with
 * it); a dispatcher hands them out only while the drama is live.
 */
export function openJobs(drama: ActiveDrama): JobState[] {
  return Object.values(drama.jobs).filter(
    (job) =>
      (job.status === 'scheduled' || job.status === 'running') && currentJob(drama, job.jobId) !== null,
  );
}

/** Whether a job still wants a worker now: current, unfinished, and its drama live (not paused). */
export const isOpenJob = (drama: ActiveDrama, jobId: string): boolean =>
  isLive(drama) && openJobs(drama).some((job) => job.jobId === jobId);

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
        worker: null,
        leaseUntil: null,
        releases: 0,
        externalTasks: [],
        submissions: [],
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
      const { jobId, worker, startedAt, leaseUntil } = event.data;
      const next = withJob(
        state,
        jobId,
        (job) => ({
          ...job,
          status: 'running',
          startedAt,
          progress: 0,
          worker,
          leaseUntil: leaseUntil ?? leaseFrom(startedAt, job),
        }),
        startedAt,
      );
      return next.status === 'pending' ? { ...next, status: 'running' } : next;
    }
    case 'JobLeaseRenewed':
      return withJob(
        state,
        event.data.jobId,
        (job) => (job.worker === event.data.worker ? { ...job, leaseUntil: event.data.leaseUntil } : job),
        state.updatedAt,
      );
    case 'JobReleased':
      return withJob(
        state,
        event.data.jobId,
        (job) =>
          job.status === 'running' && job.worker === event.data.worker
            ? { ...job, status: 'scheduled', worker: null, leaseUntil: null, releases: job.releases + 1 }
            : job,
        event.data.releasedAt,
      );
    case 'ExternalSubmissionStarted': {
      const { jobId, provider, callKey, submissionId, startedAt } = event.data;
      return withJob(
        state,
        jobId,
        (job) => ({
          ...job,
          submissions: [...job.submissions, { submissionId, provider, callKey, startedAt, outcome: 'sent' }],
        }),
        startedAt,
      );
    }
    case 'ExternalSubmissionFailed':
      return withJob(
        state,
        event.data.jobId,
        (job) => ({
          ...job,
          submissions: job.submissions.map((s) =>
            s.submissionId === event.data.submissionId ? { ...s, outcome: 'refused' as const } : s,
          ),
        }),
        event.data.failedAt,
      );
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
          externalTasks: [
            ...job.externalTasks,
            {
              provider: event.data.provider,
              taskId: event.data.taskId,
              ...(event.data.callKey ? { callKey: event.data.callKey } : {}),
            },
          ],
          submissions: job.submissions.map((s) =>
            s.submissionId === event.data.submissionId ? { ...s, outcome: 'recorded' as const } : s,
          ),
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
