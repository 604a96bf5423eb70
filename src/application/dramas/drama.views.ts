import type { SceneAdded } from '../../domain/project/project.events.js';
import type { DramaRow, SceneRow } from '../ports/read-models.port.js';
import type { StageProgress } from '../../domain/drama/drama.progress.js';
import type { BlobStore } from '../ports/blob-store.port.js';

export interface DramaView {
  id: string;
  project_id: string;
  status: string;
  stage: string | null;
  progress: number;
  eta_sec: number | null;
  stages: StageProgress[];
  episodes: {
    number: number;
    status: string;
    video_url: string | null;
    subtitles_url: string | null;
    vtt_url: string | null;
    poster_url: string | null;
    duration_sec: number | null;
  }[];
  error: string | null;
  /** Decisions taken on the creator's behalf, e.g. a provider that is not configured here. */
  notes: string[];
  /** Who plays in it: the same portrait, look and voice in every scene. Empty until the cast is made. */
  cast: {
    name: string;
    gender: string;
    voice: string;
    description: string;
    portrait_url: string | null;
  }[];
  created_at: string;
  updated_at: string;
}

export interface TaskView {
  task_id: string;
  project_id: string;
  status: string;
  progress: number;
  video_url: string | null;
  subtitles_url: string | null;
  duration_sec: number | null;
  error: string | null;
  /** Decisions taken on the creator's behalf at request time (e.g. a clip lengthened to its dialogue). */
  notes: string[];
  created_at: string;
  updated_at: string;
}

export interface SceneView extends Omit<SceneRow, 'image_key' | 'video_key' | 'project_id'> {
  image_url: string | null;
  video_url: string | null;
}

/** Keys become URLs at response time (presigned URLs expire; keys do not). */
export class MediaLinks {
  constructor(private readonly blobs: BlobStore) {}

  url(key: string | null | undefined): Promise<string | null> {
    return key ? this.blobs.url(key) : Promise.resolve(null);
  }
}

/** Remaining seconds, from the pace so far; null until there is a pace to go by. */
export function etaSeconds(
  row: Pick<DramaRow, 'status' | 'progress' | 'started_at'>,
  now: Date,
): number | null {
  if (row.status === 'completed') return 0;
  if (row.status !== 'running' || !row.started_at || row.progress <= 0) return null;
  const elapsed = (now.getTime() - Date.parse(row.started_at)) / 1000;
  return Math.max(0, Math.round((elapsed * (100 - row.progress)) / row.progress));
}

export async function toDramaView(row: DramaRow, links: MediaLinks, now: Date): Promise<DramaView> {
  return {
    id: row.id,
    project_id: row.project_id,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    eta_sec: etaSeconds(row, now),
    stages: row.stages,
    episodes: await Promise.all(
      row.episodes.map(async (e) => ({
        number: e.number,
        status: e.status,
        video_url: await links.url(e.videoKey),
        subtitles_url: await links.url(e.subtitlesKey),
        vtt_url: await links.url(e.vttKey),
        poster_url: await links.url(e.posterKey),
        duration_sec: e.durationSec,
      })),
    ),
    error: row.error,
    notes: row.notes,
    cast: await Promise.all(
      (row.cast ?? []).map(async (c) => ({
        name: c.name,
        gender: c.gender,
        voice: c.voice,
        description: c.description,
        portrait_url: await links.url(c.portraitKey),
      })),
    ),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const TASK_STATUS: Record<string, string> = { paused: 'running' };

export async function toTaskView(row: DramaRow, links: MediaLinks): Promise<TaskView> {
  return {
    task_id: row.id,
    project_id: row.project_id,
    status: TASK_STATUS[row.status] ?? row.status,
    progress: row.progress,
    video_url: await links.url(row.result?.key),
    subtitles_url: await links.url(row.result?.srtKey),
    duration_sec: row.result?.durationSec ?? null,
    error: row.error,
    notes: row.notes,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function toSceneView(row: SceneRow, links: MediaLinks): Promise<SceneView> {
  const { image_key, video_key, project_id: _project, ...rest } = row;
  return { ...rest, image_url: await links.url(image_key), video_url: await links.url(video_key) };
}

/** A scene added by hand, as the scenes read model will show it (before any media is attached). */
export const manualSceneView = (scene: SceneAdded['data']): SceneView => ({
  id: scene.sceneId,
  drama_id: null,
  source: 'manual',
  episode: scene.episode,
  number: scene.number,
  title: scene.title,
  location: scene.location,
  time_of_day: null,
  description: scene.description,
  characters: scene.characters,
  dialogue: scene.dialogue,
  actions: [],
  visual_prompt: null,
  duration_sec: scene.durationSec,
  created_at: scene.addedAt,
  updated_at: scene.addedAt,
  image_url: null,
  video_url: null,
});
