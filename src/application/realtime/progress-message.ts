import { DRAMA_EVENT_TYPES } from '../../domain/drama/drama.events.js';
import {
  type DramaSummary,
  type EpisodeProgress,
  summarizeDrama,
} from '../../domain/drama/drama.progress.js';
import { type ActiveDrama, type DramaState, evolveDrama } from '../../domain/drama/drama.state.js';
import { decodeDramaEvent, isDramaStream } from '../../domain/drama/drama.streams.js';
import { DRAMA_TARGET, type Stage, TASK_TARGET, type VideoOutput } from '../../domain/drama/drama.types.js';
import { projectStream } from '../../domain/project/project.streams.js';
import type { StoredEvent } from '../ports/event-store.port.js';

export type ProgressMessageType =
  | 'project.created'
  | 'project.updated'
  | 'project.deleted'
  | 'scene.added'
  | 'drama.requested'
  | 'stage.started'
  | 'stage.completed'
  | 'stage.failed'
  | 'scene.done'
  | 'scene.regenerating'
  | 'progress'
  | 'drama.paused'
  | 'drama.resumed'
  | 'drama.cancelled'
  | 'drama.completed'
  | 'drama.failed'
  /** Not an event: sent once after the replay; its position is where a later `since` may resume. */
  | 'subscribed';

/**
 * What a watcher of a project receives: at most one message per stored event, so `position` (the
 * event's global position) identifies it and orders it.
 */
export interface ProgressMessage {
  type: ProgressMessageType;
  position: number;
  project_id: string;
  drama_id?: string;
  stage?: Stage | null;
  progress?: number;
  status?: string;
  data: Record<string, unknown>;
  at: string;
}

export const PROJECT_PROGRESS_EVENT_TYPES = [
  'ProjectCreated',
  'ProjectUpdated',
  'ProjectDeleted',
  'SceneAdded',
] as const;

function projectMessage(event: StoredEvent): ProgressMessage | null {
  const base = {
    position: event.globalPosition,
    project_id: projectStream.idOf(event.streamId),
    at: event.recordedAt,
  };
  const e = projectStream.decode(event);
  switch (e.type) {
    case 'ProjectCreated':
      return { ...base, type: 'project.created', status: 'draft', data: { title: e.data.title } };
    case 'ProjectUpdated':
      return { ...base, type: 'project.updated', data: { changes: Object.keys(e.data.changes).sort() } };
    case 'ProjectDeleted':
      return { ...base, type: 'project.deleted', data: {} };
    case 'SceneAdded':
      return {
        ...base,
        type: 'scene.added',
        data: { scene_id: e.data.sceneId, episode: e.data.episode, number: e.data.number },
      };
    default:
      return null;
  }
}

const SCENE_STAGES: readonly Stage[] = ['images', 'video', 'review'];

const stageStatus = (summary: DramaSummary | null, stage: Stage) =>
  summary?.stages.find((s) => s.name === stage);

const hasStarted = (drama: ActiveDrama, stage: Stage) =>
  Object.values(drama.jobs).some((job) => job.stage === stage && job.startedAt !== null);

/** Episodes (keys still: URLs are signed when the message is sent) and the single clip of a task. */
export interface CompletedMedia {
  episodes: EpisodeProgress[];
  result: VideoOutput | null;
}

function dramaMessage(
  before: DramaState,
  after: ActiveDrama,
  event: StoredEvent,
): Omit<ProgressMessage, 'position' | 'at' | 'project_id' | 'drama_id'> | null {
  const was = before.status === 'empty' ? null : summarizeDrama(before);
  const now = summarizeDrama(after);
  const current = { stage: now.stage, progress: now.progress, status: now.status };
  const changed =
    !was || was.progress !== now.progress || was.status !== now.status || was.stage !== now.stage;
  const e = decodeDramaEvent(event);
  const progressOnly = () => (changed ? { ...current, type: 'progress' as const, data: {} } : null);
  switch (e.type) {
    case 'DramaRequested':
      if (was) return null;
      return {
        ...current,
        type: 'drama.requested',
        data: {
          kind: e.data.kind,
          episodes: e.data.request.episodes,
          scenes_per_episode: e.data.request.scenesPerEpisode,
        },
      };
    case 'JobStarted': {
      const job = after.jobs[e.data.jobId];
      if (!job || before.status === 'empty') return null;
      if (!hasStarted(before, job.stage))
        return { ...current, stage: job.stage, type: 'stage.started', data: { job_id: job.jobId } };
      return progressOnly();
    }
    case 'StageCompleted': {
      const { stage, target } = e.data;
      const stageNow = stageStatus(now, stage);
      const counts = { done: stageNow?.done ?? 0, total: stageNow?.total ?? 0 };
      if (stageNow?.status === 'completed' && stageStatus(was, stage)?.status !== 'completed') {
        return {
          ...current,
          stage,
          type: 'stage.completed',
          data: { ...counts, providers: stageNow.providers },
        };
      }
      if (SCENE_STAGES.includes(stage) && target !== DRAMA_TARGET && target !== TASK_TARGET) {
        return {
          ...current,
          stage,
          type: 'scene.done',
          data: { ...counts, scene_id: target, provider: e.data.provider, cached: e.data.cached },
        };
      }
      return progressOnly();
    }
    case 'StageFailed':
      return {
        ...current,
        stage: e.data.stage,
        type: 'stage.failed',
        data: {
          target: e.data.target,
          error_class: e.data.errorClass,
          message: e.data.message,
          attempt: e.data.attempt,
          provider: e.data.provider,
        },
      };
    case 'DramaPaused':
      return { ...current, type: 'drama.paused', data: { by: e.data.by } };
    case 'DramaResumed':
      return { ...current, type: 'drama.resumed', data: { by: e.data.by } };
    case 'DramaCancelled':
      return { ...current, type: 'drama.cancelled', data: { by: e.data.by, reason: e.data.reason } };
    case 'DramaCompleted': {
      const media: CompletedMedia = { episodes: now.episodes, result: now.result };
      return { ...current, type: 'drama.completed', data: { media } };
    }
    case 'DramaFailed':
      return {
        ...current,
        type: 'drama.failed',
        data: { reason: e.data.reason, failed_stage: e.data.stage, target: e.data.target },
      };
    case 'SceneRegenerationRequested':
      return {
        ...current,
        type: 'scene.regenerating',
        data: { scene_id: e.data.sceneId, revision: e.data.revision, reason: 'requested' },
      };
    case 'SceneRerenderRequested':
      return {
        ...current,
        type: 'scene.regenerating',
        data: { scene_id: e.data.sceneId, rerender: e.data.rerender, reason: e.data.reason },
      };
    case 'JobScheduled':
    case 'JobProgressed':
    case 'ExternalTaskRecorded':
      return progressOnly();
    default:
      return null;
  }
}

/**
 * The pure mapping from one stored event to what a watcher sees. A drama or video task stream needs
 * its folded state before the event (`before`; `{status: 'empty'}` at the start of the stream): the
 * returned `state` is the fold after it, to pass with the stream's next event. Project streams need no
 * state. The project of a drama stream is the one its DramaRequested names.
 */
export function toProgressMessage(
  before: DramaState,
  event: StoredEvent,
): { state: DramaState; message: ProgressMessage | null } {
  if (projectStream.owns(event.streamId)) return { state: before, message: projectMessage(event) };
  if (!isDramaStream(event.streamId)) return { state: before, message: null };
  const state = evolveDrama(before, decodeDramaEvent(event));
  if (state.status === 'empty') return { state, message: null };
  const body = dramaMessage(before, state, event);
  if (!body) return { state, message: null };
  return {
    state,
    message: {
      ...body,
      position: event.globalPosition,
      project_id: state.projectId,
      drama_id: state.dramaId,
      at: event.recordedAt,
    },
  };
}

/** Turns the media keys of a completion into links the client can open (signed links expire; keys do not). */
export async function withMediaUrls(
  message: ProgressMessage,
  url: (key: string | null | undefined) => Promise<string | null>,
): Promise<ProgressMessage> {
  const media = message.data.media as CompletedMedia | undefined;
  if (!media) return message;
  const { media: _media, ...rest } = message.data;
  const episodes = await Promise.all(
    media.episodes.map(async (e) => ({
      number: e.number,
      status: e.status,
      duration_sec: e.durationSec,
      video_url: await url(e.videoKey),
      subtitles_url: await url(e.subtitlesKey),
      vtt_url: await url(e.vttKey),
      poster_url: await url(e.posterKey),
    })),
  );
  const result = media.result
    ? {
        video_url: await url(media.result.key),
        subtitles_url: await url(media.result.srtKey),
        duration_sec: media.result.durationSec,
      }
    : null;
  return { ...message, data: { ...rest, episodes, ...(result ? { result } : {}) } };
}

export const PROGRESS_EVENT_TYPES: readonly string[] = [
  ...PROJECT_PROGRESS_EVENT_TYPES,
  ...DRAMA_EVENT_TYPES,
];
