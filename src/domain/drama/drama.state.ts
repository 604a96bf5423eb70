import { assertNever } from '../shared/decider.js';
import type { DramaEvent, DramaRequested } from './drama.events.js';
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

/** Whether a drama is unfinished: live, or paused (it may resume). */
export const isOpen = (drama: DramaState) =>
  drama.status !== 'empty' && (isLive(drama) || drama.status === 'paused');

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

type DramaMap = 'jobs' | 'latest' | 'outputs' | 'revisions' | 'rerenders';

/**
 * A state one fold owns: a shallow copy of the state it started from, whose maps are copied the first
 * time the fold sets a key in them. Events then change it in place; the states it started from (and
 * every state anyone else holds) are never touched. A projection folds a whole batch of a stream's
 * events into one draft instead of copying the drama's job map once per event.
 */
class Draft {
  private readonly owned = new Set<DramaMap>();
  private readonly ownedJobs = new Set<JobState>();
  constructor(readonly d: ActiveDrama) {}

  set<K extends DramaMap>(map: K, key: string, value: ActiveDrama[K][string]): void {
    if (!this.owned.has(map)) {
      // Keyed by ids: as a prototype-less (dictionary) object, every new id is a hash insert; as a
      // literal, V8 builds a new hidden class per id (three to four times slower, and old-space garbage).
      this.d[map] = Object.assign(Object.create(null), this.d[map]) as never;
      this.owned.add(map);
    }
    (this.d[map] as Record<string, unknown>)[key] = value;
  }

  /**
   * A known job to change in place, copied the first time this fold changes it (null for an unknown
   * id: an event that no longer fits is ignored). Its arrays are shared with the original: replace them.
   */
  job(jobId: string, at: string): JobState | null {
    const job = this.d.jobs[jobId];
    if (!job) return null;
    this.d.updatedAt = at;
    if (this.ownedJobs.has(job)) return job;
    const copy = { ...job };
    this.ownedJobs.add(copy);
    this.set('jobs', jobId, copy);
    return copy;
  }

  /** A job this fold created. */
  add(job: JobState): void {
    this.ownedJobs.add(job);
    this.set('jobs', job.jobId, job);
  }
}

const started = (d: DramaRequested['data']): ActiveDrama => ({
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
});

/** Applies one event (not DramaRequested) to a draft. Never throws: an event that no longer fits is ignored. */
function apply(draft: Draft, event: Exclude<DramaEvent, DramaRequested>): void {
  const state = draft.d;
  switch (event.type) {
    case 'JobScheduled': {
      // The event is the job's spec plus `scheduledAt`, field by field: a spread of the parsed event
      // followed by more fields takes V8's slow path (~100 times slower, measured), and a projection
      // rebuild folds every JobScheduled of the log. Typed as JobState, a new JobSpec field is a compile error.
      const spec = event.data;
      const job: JobState = {
        jobId: spec.jobId,
        stage: spec.stage,
        target: spec.target,
        attempt: spec.attempt,
        provider: spec.provider,
        inputHash: spec.inputHash,
        notBefore: spec.notBefore,
        leaseSec: spec.leaseSec,
        scheduledAt: spec.scheduledAt,
        status: 'scheduled',
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
      draft.add(job);
      draft.set('latest', slot(spec.stage, spec.target), spec.jobId);
      state.updatedAt = spec.scheduledAt;
      return;
    }
    case 'JobStarted': {
      const { jobId, worker, startedAt, leaseUntil } = event.data;
      const job = draft.job(jobId, startedAt);
      if (job) {
        job.status = 'running';
        job.startedAt = startedAt;
        job.progress = 0;
        job.worker = worker;
        job.leaseUntil = leaseUntil ?? leaseFrom(startedAt, job);
      }
      if (state.status === 'pending') state.status = 'running';
      return;
    }
    case 'JobLeaseRenewed': {
      const job = draft.job(event.data.jobId, state.updatedAt);
      if (job && job.worker === event.data.worker) job.leaseUntil = event.data.leaseUntil;
      return;
    }
    case 'JobReleased': {
      const job = draft.job(event.data.jobId, event.data.releasedAt);
      if (job && job.status === 'running' && job.worker === event.data.worker) {
        job.status = 'scheduled';
        job.worker = null;
        job.leaseUntil = null;
        job.releases += 1;
      }
      return;
    }
    case 'ExternalSubmissionStarted': {
      const { jobId, provider, callKey, submissionId, startedAt } = event.data;
      const job = draft.job(jobId, startedAt);
      if (job) {
        job.submissions = [
          ...job.submissions,
          { submissionId, provider, callKey, startedAt, outcome: 'sent' },
        ];
      }
      return;
    }
    case 'ExternalSubmissionFailed': {
      const job = draft.job(event.data.jobId, event.data.failedAt);
      if (job) {
        job.submissions = job.submissions.map((s) =>
          s.submissionId === event.data.submissionId ? { ...s, outcome: 'refused' as const } : s,
        );
      }
      return;
    }
    case 'JobProgressed': {
      const job = draft.job(event.data.jobId, state.updatedAt);
      if (job) job.progress = event.data.progress;
      return;
    }
    case 'ExternalTaskRecorded': {
      const d = event.data;
      const job = draft.job(d.jobId, d.recordedAt);
      if (job) {
        job.externalTasks = [
          ...job.externalTasks,
          { provider: d.provider, taskId: d.taskId, ...(d.callKey ? { callKey: d.callKey } : {}) },
        ];
        job.submissions = job.submissions.map((s) =>
          s.submissionId === d.submissionId ? { ...s, outcome: 'recorded' as const } : s,
        );
      }
      return;
    }
    case 'StageCompleted': {
      const d = event.data;
      const job = draft.job(d.jobId, d.completedAt);
      if (!job) return;
      job.status = 'completed';
      job.progress = 1;
      job.finishedAt = d.completedAt;
      draft.set('outputs', slot(d.stage, d.target), {
        output: d.output,
        inputHash: job.inputHash,
        jobId: d.jobId,
        provider: d.provider,
        model: d.model,
        cached: d.cached,
      });
      return;
    }
    case 'StageFailed': {
      const d = event.data;
      const job = draft.job(d.jobId, d.failedAt);
      if (job) {
        job.status = 'failed';
        job.finishedAt = d.failedAt;
        job.error = { errorClass: d.errorClass, message: d.message };
      }
      return;
    }
    case 'DramaPaused':
      state.status = 'paused';
      state.updatedAt = event.data.pausedAt;
      return;
    case 'DramaResumed':
      state.status = 'running';
      state.updatedAt = event.data.resumedAt;
      return;
    case 'DramaCancelled':
      state.status = 'cancelled';
      state.updatedAt = event.data.cancelledAt;
      return;
    case 'SceneRegenerationRequested': {
      const d = event.data;
      if (state.status === 'completed' || state.status === 'failed') state.status = 'running';
      if (state.status === 'running') state.failure = null;
      draft.set('revisions', d.sceneId, d.revision);
      draft.set('rerenders', d.sceneId, 0);
      state.updatedAt = d.requestedAt;
      return;
    }
    case 'SceneRerenderRequested':
      draft.set('rerenders', event.data.sceneId, event.data.rerender);
      state.updatedAt = event.data.requestedAt;
      return;
    case 'DramaCompleted':
      state.status = 'completed';
      state.episodes = event.data.episodes;
      state.completedAt = event.data.completedAt;
      state.updatedAt = event.data.completedAt;
      return;
    case 'DramaFailed': {
      const { failedAt, ...failure } = event.data;
      state.status = 'failed';
      state.failure = failure;
      state.updatedAt = failedAt;
      return;
    }
    default:
      return assertNever(event);
  }
}

/**
 * Folds a drama's events, in order, onto a state: the same as folding them one by one with
 * `evolveDrama`, without a copy of the drama per event. The state passed in is never changed.
 */
export function foldDrama(state: DramaState, events: Iterable<DramaEvent>): DramaState {
  let draft: Draft | null = null;
  let current = state;
  for (const event of events) {
    if (event.type === 'DramaRequested') {
      if (current.status !== 'empty') continue;
      current = started(event.data);
      draft = new Draft(current);
      continue;
    }
    if (current.status === 'empty') continue;
    if (!draft) current = (draft = new Draft({ ...current })).d;
    apply(draft, event);
  }
  return current;
}

/** Folds one drama event. Never throws: a recorded event that no longer fits is ignored. */
export function evolveDrama(state: DramaState, event: DramaEvent): DramaState {
  return foldDrama(state, [event]);
}
