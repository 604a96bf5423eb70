import { assertNever, type Decider } from '../shared/decider.js';
import { conflict, DomainError, notFound } from '../shared/domain-error.js';
import type { DramaCommand } from './drama.commands.js';
import type { DramaEvent } from './drama.events.js';
import {
  type ActiveDrama,
  currentJob,
  type DramaState,
  evolveDrama,
  isLive,
  leaseEnd,
  leaseFrom,
  scriptOf,
  slot,
} from './drama.state.js';
import type { EpisodeOutput } from './drama.types.js';

const dramaNotFound = (id?: string) =>
  notFound('DRAMA.NOT_FOUND', `drama ${id ?? ''} not found`.replace('  ', ' '));

const active = (state: DramaState): ActiveDrama => {
  if (state.status === 'empty') throw dramaNotFound();
  return state;
};

const owned = (state: DramaState, actorId: string): ActiveDrama => {
  const drama = active(state);
  if (drama.ownerId !== actorId) throw dramaNotFound(drama.dramaId);
  return drama;
};

const notRunnable = (reason: string) => new DomainError('conflict', 'JOB.NOT_RUNNABLE', reason);

export function episodesOf(drama: ActiveDrama): EpisodeOutput[] | null {
  const episodes: EpisodeOutput[] = [];
  for (let n = 1; n <= drama.request.episodes; n++) {
    const record = drama.outputs[slot('assemble', `ep-${n}`)];
    if (record?.output.stage !== 'assemble') return null;
    episodes.push(record.output);
  }
  return episodes;
}

function decide(command: DramaCommand, state: DramaState): DramaEvent[] {
  const now = command.data.now;
  switch (command.type) {
    case 'RequestDrama': {
      if (state.status !== 'empty') throw conflict('DRAMA.ALREADY_EXISTS', 'drama already exists');
      const { dramaId, projectId, ownerId, request } = command.data;
      return [
        {
          type: 'DramaRequested',
          data: { dramaId, projectId, ownerId, kind: request.kind, request, requestedAt: now },
        },
      ];
    }
    case 'ScheduleJobs': {
      const drama = active(state);
      if (!isLive(drama)) return [];
      return command.data.jobs
        .filter((job) => !drama.jobs[job.jobId])
        .map((job) => ({ type: 'JobScheduled', data: { ...job, scheduledAt: now } }));
    }
    case 'StartJob': {
      const drama = active(state);
      const { jobId, worker, takeover } = command.data;
      const job = currentJob(drama, jobId);
      if (!job || job.status === 'completed' || job.status === 'failed') {
        throw notRunnable(`job ${jobId} is finished or superseded`);
      }
      if (drama.status === 'paused') throw notRunnable('drama is paused');
      const until = leaseEnd(job);
      if (!takeover && job.worker !== null && job.worker !== worker && until !== null && until > now) {
        throw notRunnable(`job ${jobId} is running on ${job.worker} until ${until}`);
      }
      return [
        { type: 'JobStarted', data: { jobId, worker, startedAt: now, leaseUntil: leaseFrom(now, job) } },
      ];
    }
    case 'RenewJobLease': {
      const { jobId, worker } = command.data;
      const job = currentJob(active(state), jobId);
      if (!job || job.status !== 'running' || job.worker !== worker) {
        throw notRunnable(`job ${jobId} is no longer held by ${worker}`);
      }
      return [{ type: 'JobLeaseRenewed', data: { jobId, worker, leaseUntil: leaseFrom(now, job) } }];
    }
    case 'ReleaseJob': {
      const { jobId, worker, reason } = command.data;
      const job = active(state).jobs[jobId];
      if (!job || job.status !== 'running' || job.worker !== worker) return [];
      return [{ type: 'JobReleased', data: { jobId, worker, reason, releasedAt: now } }];
    }
    case 'RecordExternalSubmission': {
      const { jobId, provider, callKey, submissionId } = command.data;
      const job = active(state).jobs[jobId];
      if (!job) throw notRunnable(`job ${jobId} is unknown`);
      if (job.submissions.some((s) => s.submissionId === submissionId)) return [];
      return [
        {
          type: 'ExternalSubmissionStarted',
          data: { jobId, provider, callKey, submissionId, startedAt: now },
        },
      ];
    }
    case 'FailExternalSubmission': {
      const { jobId, submissionId, reason } = command.data;
      const submission = active(state).jobs[jobId]?.submissions.find((s) => s.submissionId === submissionId);
      if (!submission || submission.outcome !== 'sent') return [];
      return [{ type: 'ExternalSubmissionFailed', data: { jobId, submissionId, reason, failedAt: now } }];
    }
    case 'ReportJobProgress': {
      const job = currentJob(active(state), command.data.jobId);
      if (!job || job.status !== 'running') return [];
      const progress = Math.max(0, Math.min(1, command.data.progress));
      return [{ type: 'JobProgressed', data: { jobId: job.jobId, progress, message: command.data.message } }];
    }
    case 'RecordExternalTask': {
      const drama = active(state);
      const job = drama.jobs[command.data.jobId];
      if (!job) throw notRunnable(`job ${command.data.jobId} is unknown`);
      if (
        job.externalTasks.some(
          (t) => t.taskId === command.data.taskId && t.provider === command.data.provider,
        )
      ) {
        return [];
      }
      const { jobId, provider, taskId, callKey, submissionId } = command.data;
      return [
        {
          type: 'ExternalTaskRecorded',
          data: {
            jobId,
            provider,
            taskId,
            recordedAt: now,
            ...(callKey ? { callKey } : {}),
            ...(submissionId ? { submissionId } : {}),
          },
        },
      ];
    }
    case 'CompleteStage': {
      const job = currentJob(active(state), command.data.jobId);
      // A repeated or late completion is a no-op: the job is finished, superseded, or the drama stopped.
      if (!job || job.status === 'completed' || job.status === 'failed') return [];
      const { jobId, output, cached, provider, model, durationMs, usage } = command.data;
      return [
        {
          type: 'StageCompleted',
          data: {
            jobId,
            stage: job.stage,
            target: job.target,
            output,
            cached,
            provider,
            model,
            durationMs,
            usage,
            completedAt: now,
          },
        },
      ];
    }
    case 'FailStage': {
      const job = currentJob(active(state), command.data.jobId);
      if (!job || job.status === 'completed' || job.status === 'failed') return [];
      const { jobId, errorClass, message, provider, usage } = command.data;
      return [
        {
          type: 'StageFailed',
          data: {
            jobId,
            stage: job.stage,
            target: job.target,
            errorClass,
            message,
            attempt: job.attempt,
            provider,
            ...(usage ? { usage } : {}),
            failedAt: now,
          },
        },
      ];
    }
    case 'PauseDrama': {
      const drama = owned(state, command.data.actorId);
      if (drama.status === 'paused') return [];
      if (!isLive(drama)) throw conflict('DRAMA.NOT_RUNNING', `a ${drama.status} drama cannot be paused`);
      return [{ type: 'DramaPaused', data: { pausedAt: now, by: command.data.actorId } }];
    }
    case 'ResumeDrama': {
      const drama = owned(state, command.data.actorId);
      if (isLive(drama)) return [];
      if (drama.status !== 'paused')
        throw conflict('DRAMA.NOT_PAUSED', `a ${drama.status} drama cannot be resumed`);
      return [{ type: 'DramaResumed', data: { resumedAt: now, by: command.data.actorId } }];
    }
    case 'CancelDrama': {
      const drama = owned(state, command.data.actorId);
      if (drama.status === 'cancelled') return [];
      if (drama.status === 'completed' || drama.status === 'failed') {
        throw conflict('DRAMA.FINISHED', `the drama is already ${drama.status}`);
      }
      return [
        {
          type: 'DramaCancelled',
          data: { cancelledAt: now, by: command.data.actorId, reason: command.data.reason },
        },
      ];
    }
    case 'RegenerateScene': {
      const drama = owned(state, command.data.actorId);
      if (drama.status === 'cancelled')
        throw conflict('DRAMA.CANCELLED', 'a cancelled drama cannot be regenerated');
      const script = scriptOf(drama);
      const sceneId = command.data.sceneId;
      if (!script || !script.scenes.some((s) => s.sceneId === sceneId)) {
        throw notFound('SCENE.NOT_FOUND', `scene ${sceneId} is not part of this drama (yet)`);
      }
      if (drama.kind === 'script_only')
        throw conflict('DRAMA.SCRIPT_ONLY', 'this drama only writes scenes; there is no video');
      const revision = (drama.revisions[sceneId] ?? 0) + 1;
      return [
        {
          type: 'SceneRegenerationRequested',
          data: { sceneId, revision, requestedAt: now, by: command.data.actorId },
        },
      ];
    }
    case 'RequestRerender': {
      const drama = active(state);
      if (!isLive(drama)) return [];
      const rerender = (drama.rerenders[command.data.sceneId] ?? 0) + 1;
      return [
        {
          type: 'SceneRerenderRequested',
          data: { sceneId: command.data.sceneId, rerender, reason: command.data.reason, requestedAt: now },
        },
      ];
    }
    case 'CompleteDrama': {
      const drama = active(state);
      if (!isLive(drama)) return [];
      const episodes = drama.kind === 'drama' ? episodesOf(drama) : [];
      if (!episodes) return [];
      return [{ type: 'DramaCompleted', data: { episodes, completedAt: now } }];
    }
    case 'FailDrama': {
      const drama = active(state);
      if (!isLive(drama)) return [];
      const { stage, target, reason } = command.data;
      return [{ type: 'DramaFailed', data: { stage, target, reason, failedAt: now } }];
    }
    default:
      return assertNever(command);
  }
}

export const dramaDecider: Decider<DramaState, DramaCommand, DramaEvent> = {
  initialState: () => ({ status: 'empty' }),
  decide,
  evolve: evolveDrama,
};
