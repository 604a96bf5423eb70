/** The API's wire shapes the studio reads (snake_case, as the API sends them). */

export interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface AuthResult {
  user_id: string;
  email: string;
  token: string;
}

export interface User {
  id: string;
  username: string;
  email: string;
  role: 'user' | 'admin';
}

export interface Project {
  id: string;
  title: string;
  description: string;
  genre: string;
  target_episodes: number;
  target_duration_sec: number;
  status: string;
  version: number;
  created_at: string;
  updated_at: string;
  as_of?: string | number;
}

export interface Page<T> {
  items: T[];
  page: number;
  page_size: number;
  total: number;
}

export type DramaStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface StageProgress {
  name: string;
  status: 'pending' | 'running' | 'completed' | 'failed';
  done: number;
  total: number;
  providers: string[];
}

export interface Episode {
  number: number;
  status: string;
  video_url: string | null;
  subtitles_url: string | null;
  vtt_url: string | null;
  poster_url: string | null;
  duration_sec: number | null;
}

export interface Drama {
  id: string;
  project_id: string;
  status: DramaStatus;
  stage: string | null;
  progress: number;
  eta_sec: number | null;
  stages: StageProgress[];
  episodes: Episode[];
  error: string | null;
  notes: string[];
  /** Absent from dramas made before the cast step. */
  cast?: CastMember[];
  created_at: string;
  updated_at: string;
  as_of?: string | number;
}

/** One character: the same portrait, look and voice in every scene. */
export interface CastMember {
  name: string;
  gender: string;
  voice: string;
  description: string;
  portrait_url: string | null;
}

export interface DramaItem {
  id: string;
  kind: 'drama' | 'script_only' | 'single_video';
  status: DramaStatus;
  stage: string | null;
  progress: number;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface Task {
  task_id: string;
  project_id: string;
  status: DramaStatus;
  progress: number;
  video_url: string | null;
  subtitles_url: string | null;
  duration_sec: number | null;
  error: string | null;
  /** Decisions taken on the creator's behalf (e.g. the clip lengthened to fit every line). */
  notes: string[];
  created_at: string;
  updated_at: string;
}

export interface Scene {
  id: string;
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
  duration_sec: number;
  image_url: string | null;
  video_url: string | null;
}

export interface Usage {
  project_id: string;
  totals: Record<string, number>;
  by_provider: { provider: string; metric: string; amount: number }[];
}

export interface ProviderListing {
  capability: 'script' | 'image' | 'tts' | 'video' | 'moderation';
  provider: string;
  model: string;
  kind: string;
  configured?: boolean;
  default: boolean;
  requires?: string;
}

export type Models = Record<ProviderListing['capability'], ProviderListing[]>;

export interface HistoryEntry {
  id: string;
  position: number;
  stream_id: string;
  version: number;
  type: string;
  data: unknown;
  metadata: {
    userId?: string;
    correlationId?: string;
    causationId?: string;
    schemaVersion?: number;
    occurredAt?: string;
  };
  recorded_at: string;
}

export interface HistoryPage extends Page<HistoryEntry> {
  next_after: number | null;
}

export interface Drift {
  model: string;
  id: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface VerifyReport {
  project_id: string;
  ok: boolean;
  events: number;
  checkpoints: Record<string, number>;
  checked: { projects: number; dramas: number; scenes: number };
  drift: Drift[];
}

export interface ProjectionStatus {
  name: string;
  version: number;
  stored_version: number | null;
  status: string;
  checkpoint: number;
  head: number;
  lag: number;
  rebuild: {
    state: 'idle' | 'rebuilding' | 'completed' | 'failed';
    startedAt?: string;
    finishedAt?: string;
    position?: number;
    head?: number;
    events?: number;
    seconds?: number;
    error?: string;
  };
}

export interface Consumer {
  name: string;
  kind: string;
  state: 'running' | 'retrying' | 'stopped';
  position: number;
  head: number;
  lag: number;
  restarts: number;
  parked: number;
  last_error: { message: string; at: string; position: number | null } | null;
}

export interface Parked {
  id: string;
  consumer: string;
  position: number;
  event_id: string;
  event_type: string;
  stream_id: string;
  attempts: number;
  error: string;
  status: 'parked' | 'retried' | 'skipped';
  parked_at: string;
  resolved_at: string | null;
}

export interface ProgressMessage {
  type: string;
  position: number;
  project_id: string;
  drama_id?: string;
  stage?: string | null;
  progress?: number;
  status?: string;
  data: Record<string, unknown>;
  at: string;
}
