import type { VoicedTaskLine } from '../script/task-script.js';
import type { Script } from '../script/script.schema.js';
import type { AspectRatio, Resolution, Shot } from '../script/storyboard.js';
import type { Gender } from '../script/vocabulary.js';

/**
 * The generation pipeline, in order. Each stage runs once per target: the drama, a scene, or an episode.
 * `cast` (one portrait, description and voice per character) is absent from dramas recorded before it
 * existed: see hasCastStep.
 */
export const STAGES = ['script', 'cast', 'storyboard', 'images', 'video', 'review', 'assemble'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * `drama`: the whole pipeline. `script_only` (POST /projects/:id/generate-scenes) stops after the
 * storyboard. `single_video` (POST /projects/:id/generate-video, a "video task") renders one clip
 * from a given script text, on a `videotask-<id>` stream, with the same jobs, retries and fallbacks.
 */
export type DramaKind = 'drama' | 'script_only' | 'single_video';

export type DramaStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface DramaRequest {
  kind: DramaKind;
  title: string;
  description: string;
  genre: string;
  episodes: number;
  scenesPerEpisode: number;
  /** Length of one episode. */
  episodeDurationSec: number;
  prompt: string;
  aspectRatio: AspectRatio;
  /** Always stated since DramaRequested v2 (older events are upcast to 720p: drama.streams.ts). */
  resolution: Resolution;
  useLocalLlm: boolean;
  /** Preferred provider per media stage; the pipeline falls back to 'local'. */
  providers: { video: string; image: string; tts: string };
  /** Only for `single_video`: the one scene to render. */
  single?: SingleVideoRequest;
  /** Decisions taken on the creator's behalf at request time (e.g. an unconfigured provider replaced). */
  notes?: string[];
  /** Where to POST the result when the drama or task finishes (see src/application/webhooks). */
  callbackUrl?: string;
}

export interface SingleVideoRequest {
  /** The client's scene reference (free text or a scene id). */
  sceneRef: string;
  script: string;
  /** A media-store key or an http(s) URL of the storyboard image, if the client gave one. */
  imageUrl: string | null;
  durationSec: number;
  /**
   * What is said, by whom and in which voice, decided at request time (labels taken off the words).
   * Absent in tasks requested before: the script is then narrated sentence by sentence.
   */
  lines?: VoicedTaskLine[];
  /** The card's heading: the scene's own (episode, place, time) or the project's title, never an id. */
  heading?: string;
}

/** The target of a single_video's one job. */
export const TASK_TARGET = 'task';

/** A scene as the pipeline tracks it; its full text lives in the script. */
export interface SceneRef {
  sceneId: string;
  episode: number;
  number: number;
  title: string;
  durationSec: number;
  /** Content hash of the scene's script text: changes when the scene's words change. */
  hash: string;
}

export interface ScriptOutput {
  stage: 'script';
  script: Script;
  scenes: SceneRef[];
  hash: string;
  /** Who wrote it ('template' is never presented as AI) and why earlier writers in the chain did not. */
  writer?: {
    provider: string;
    kind: 'template' | 'llm';
    trail: { provider: string; outcome: 'skipped' | 'failed'; reason: string }[];
  };
}
/** One character as every shot of the drama shows and voices them. */
export interface CastMember {
  name: string;
  gender: Gender;
  /** Our voice id (src/domain/script/voices.ts): the same in every scene. */
  voice: string;
  /** Fixed visual description (appearance, clothes) in the script's language, in every shot prompt. */
  description: string;
  /** The reference portrait in the media store. */
  portraitKey: string;
  portraitType: 'image/png' | 'image/jpeg' | 'image/webp';
}
export interface CastOutput {
  stage: 'cast';
  characters: CastMember[];
  hash: string;
}
export interface StoryboardOutput {
  stage: 'storyboard';
  shots: Record<string, Shot[]>;
  hash: string;
}
export interface ImageOutput {
  stage: 'images';
  key: string;
  contentType: string;
  hash: string;
}
/** A stretch of a clip, in seconds. */
export interface ClipStretch {
  startSec: number;
  durationSec: number;
}

/**
 * Facts about a rendered clip, recorded by the renderer from what it made (frame size, length, the
 * mix it encoded, the picture it composed), with the video result. The review judges them as it
 * judges a decoded clip; `null` means the renderer could not know (e.g. black frames inside a remote
 * clip it only laid subtitles over), and the review decodes the clip for that check.
 */
export interface ClipFacts {
  source: 'render';
  width: number;
  height: number;
  durationSec: number;
  videoCodec: string;
  pixFmt: string;
  audio: boolean;
  /** Integrated loudness of the encoded mix (EBU R 128), LUFS; null for silence. */
  loudnessLufs: number | null;
  /** Silent stretches (below −50 dBFS on every channel) of at least a second. */
  silence: ClipStretch[];
  /** Black stretches (blackdetect's test: 98 % of pixels under 10 % luma) of at least a second. */
  black: ClipStretch[] | null;
}

export interface VideoOutput {
  stage: 'video';
  key: string;
  srtKey: string;
  vttKey: string;
  durationSec: number;
  hash: string;
  /** Quality facts from the render (absent on results recorded before they existed: review decodes). */
  checks?: ClipFacts;
}
export interface ReviewOutput {
  stage: 'review';
  checks: string[];
  hash: string;
}
export interface EpisodeOutput {
  stage: 'assemble';
  episode: number;
  key: string;
  srtKey: string;
  vttKey: string;
  posterKey: string;
  durationSec: number;
  hash: string;
}
export type StageOutput =
  ScriptOutput | CastOutput | StoryboardOutput | ImageOutput | VideoOutput | ReviewOutput | EpisodeOutput;

export type ErrorClass = 'transient' | 'permanent' | 'moderation';

/** The drama, a scene id, or an episode ("ep-2"). */
export type JobTarget = string;
export const DRAMA_TARGET = 'drama';
export const episodeTarget = (episode: number) => `ep-${episode}`;

export interface JobSpec {
  jobId: string;
  stage: Stage;
  target: JobTarget;
  attempt: number;
  provider: string;
  inputHash: string;
  /** ISO time before which the job must not start (retry backoff), or null. */
  notBefore: string | null;
  leaseSec: number;
}
