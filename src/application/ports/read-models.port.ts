import type { EpisodeProgress, StageProgress } from '../../domain/drama/drama.progress.js';
import type { ActiveDrama } from '../../domain/drama/drama.state.js';
import type { CastMember, VideoOutput } from '../../domain/drama/drama.types.js';
import type { SqlExecutor } from './database.port.js';
import type { StoredEvent } from './event-store.port.js';

export interface ProjectRow {
  id: string;
  owner_id: string;
  title: string;
  description: string;
  genre: string;
  target_episodes: number;
  target_duration_sec: number;
  status: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface DramaRow {
  id: string;
  stream_id: string;
  kind: string;
  project_id: string;
  owner_id: string;
  status: string;
  stage: string | null;
  progress: number;
  stages: StageProgress[];
  episodes: EpisodeProgress[];
  result: VideoOutput | null;
  error: string | null;
  notes: string[];
  /** The drama's cast (empty before the cast step, and in dramas from before it). */
  cast: CastMember[];
  started_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SceneRow {
  id: string;
  project_id: string;
  drama_id: string | null;
  source: 'manual' | 'generated';
  episode: number;
  number: number;
  title: string;
  location: string;
  time_of_day: string | null;
  description: string;
  characters: { name: string; role: string; description: string }[];
  dialogue: { character: string; line: string }[];
  actions: string[];
  visual_prompt: string | null;
  duration_sec: number;
  image_key: string | null;
  video_key: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectUsage {
  totals: Record<string, number>;
  by_provider: { provider: string; metric: string; amount: number }[];
  by_drama: { drama_id: string; kind: string; metric: string; amount: number }[];
}

/** Row of a read model as a verifier compares it: every stored column, by name. */
export type StoredRow = Record<string, unknown>;

export interface ProjectsReadModel {
  find(id: string): Promise<ProjectRow | null>;
  /** The owner's projects, newest first, one page of them, and how many there are in all. */
  listByOwner(
    ownerId: string,
    page: number,
    pageSize: number,
  ): Promise<{ items: ProjectRow[]; total: number }>;
}

export interface DramasReadModel {
  /** A drama or task the API serves: none once its project was deleted. */
  find(id: string): Promise<DramaRow | null>;
  listByProject(projectId: string): Promise<DramaRow[]>;
  /** Streams of dramas and tasks that may still have work to do. */
  liveStreams(): Promise<string[]>;
  /** The row the projection would hold for this state: to show a past state, and to check for drift. */
  rowFor(state: ActiveDrama, streamId: string): DramaRow;
}

export interface ScenesReadModel {
  find(id: string): Promise<SceneRow | null>;
  /** The project's current scenes: its hand-made ones and those of its newest script, in story order. */
  listByProject(projectId: string): Promise<SceneRow[]>;
  /** Every stored row of the project, superseded ones too, by id. */
  storedRows(projectId: string): Promise<Map<string, StoredRow>>;
  /** The rows the scenes projection builds from these events alone, on scratch tables nobody sees. */
  replayedRows(events: readonly StoredEvent[], projectId: string): Promise<Map<string, StoredRow>>;
}

export interface UsageReadModel {
  ofProject(projectId: string): Promise<ProjectUsage>;
}

/**
 * The query side as the application sees it: every read model it reads, behind one port. Command
 * handlers that authorise against a read model go through it too.
 */
export interface ReadModels {
  readonly projects: ProjectsReadModel;
  readonly dramas: DramasReadModel;
  readonly scenes: ScenesReadModel;
  readonly usage: UsageReadModel;
  /** The same queries inside a transaction: several read models read at one snapshot. */
  within(tx: SqlExecutor): ReadModels;
}
export const READ_MODELS = Symbol('ReadModels');

/** Lets a writer wait until a projection has processed its write (read-your-writes). */
export interface ProjectionProgress {
  /** Resolves true once `projection` has processed `position`, false after `timeoutMs`. */
  waitFor(projection: string, position: number, timeoutMs?: number): Promise<boolean>;
  /** Checkpoint of every projection this process knows, as last seen. */
  positions(): { name: string; position: number }[];
}
export const PROJECTION_PROGRESS = Symbol('ProjectionProgress');

export type RebuildStatus =
  | { state: 'idle' }
  | {
      state: 'rebuilding' | 'completed' | 'failed';
      startedAt: string;
      finishedAt?: string;
      /** Position replayed so far, and the log head it is heading for. */
      position: number;
      head: number;
      events: number;
      seconds?: number;
      error?: string;
    };

export interface ProjectionStatus {
  name: string;
  /** The version in the code, and the one the live tables were built with (null: not installed). */
  version: number;
  storedVersion: number | null;
  tables: string[];
  checkpoint: number;
  head: number;
  lag: number;
  status: 'live' | 'rebuilding' | 'failed' | 'stale_version' | 'not_installed';
  rebuild: RebuildStatus;
}

/** What operators see and do: every projection's state, and blue-green rebuilds in the background. */
export interface ProjectionAdmin {
  readonly names: string[];
  status(): Promise<ProjectionStatus[]>;
  rebuildStatus(name: string): RebuildStatus;
  /** Starts rebuilding those not already rebuilding here; returns their names. */
  startRebuild(names: readonly string[]): string[];
}
export const PROJECTION_ADMIN = Symbol('ProjectionAdmin');
