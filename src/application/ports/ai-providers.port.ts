/**
 * Ports for the generation providers (image, speech, video, moderation; the script writer has its own
 * file). Local adapters make the product work offline; cloud adapters sit behind the same ports.
 */

import type { Resolution } from '../../domain/script/storyboard.js';

export type { Resolution };
export type AspectRatio = '16:9' | '9:16';
/** Frame sizes at 720p, the default delivery resolution. */
export const FRAME_SIZE: Record<AspectRatio, { width: number; height: number }> = {
  '16:9': { width: 1280, height: 720 },
  '9:16': { width: 720, height: 1280 },
};
const SCALE: Record<Resolution, number> = { '720p': 1, '1080p': 1.5 };
/** The frame of a drama: its aspect at its resolution (720p when none is given). */
export function frameSize(
  aspect: AspectRatio,
  resolution: Resolution = '720p',
): { width: number; height: number } {
  const { width, height } = FRAME_SIZE[aspect];
  return { width: width * SCALE[resolution], height: height * SCALE[resolution] };
}

export interface Usage {
  llm_prompt_tokens?: number;
  llm_completion_tokens?: number;
  images?: number;
  video_seconds?: number;
  tts_characters?: number;
}

export interface ExternalTask {
  provider: string;
  taskId: string;
  /** Which paid call of the job the task answers (see PaidCalls). */
  callKey?: string;
  submissionId?: string;
}

/**
 * The paid remote calls of a job across all its attempts (the same stage, target, provider and input:
 * a retry, a restart after a crash, a lease that ran out, a rebalance). A call is named by a key that
 * the same request gives in every attempt; see runRemoteTask for how they are used.
 */
export interface PaidCalls {
  /** Task ids recorded for this call by any attempt, oldest first. */
  tasks(provider: string, callKey: string): readonly string[];
  /** A request for this call that was sent but whose answer no attempt recorded (a crash in between). */
  unconfirmed(provider: string, callKey: string): { submissionId: string; startedAt: string } | null;
  /** Records, durably and BEFORE the request goes out, that it is about to be sent. */
  submitting(provider: string, callKey: string): Promise<string>;
  /** The provider answered with a refusal: nothing was created, so the call may be sent again. */
  refused(submissionId: string, reason: string): Promise<void>;
}

/** What a provider call gets from the job running it. */
export interface JobContext {
  signal: AbortSignal;
  /** The job's own temp folder; deleted when the job ends. */
  workDir: string;
  reportProgress(fraction: number, message?: string): void;
  /**
   * Records a paid remote task id durably (an event) BEFORE polling it, so a restart resumes polling
   * the same task instead of paying for a new one. Await it before the first poll.
   */
  recordExternalTask(task: ExternalTask): Promise<void>;
  /** Tasks this job recorded before paid calls had keys: resumed in the order they were recorded. */
  resumeExternalTasks: readonly ExternalTask[];
  paid: PaidCalls;
  recordUsage(usage: Usage): void;
}

/**
 * How a provider failure should be treated by the pipeline. `unconfirmed`: a paid request of an earlier
 * attempt may have created a task whose id was lost in a crash; it is not sent again (no double charge).
 */
export type ProviderErrorClass =
  'auth' | 'quota' | 'invalid_input' | 'moderation' | 'transient' | 'unconfirmed';

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly errorClass: ProviderErrorClass,
    message: string,
    readonly details: { status?: number; providerCode?: string; retryAfterMs?: number } = {},
  ) {
    super(`${provider}: ${message}`);
    this.name = 'ProviderError';
  }
}

export interface ProviderInfo {
  provider: string;
  model: string;
  /** 'local' runs on this machine with nothing installed; 'cloud'/'self_hosted' call a server. */
  kind: 'local' | 'template' | 'cloud' | 'self_hosted';
}

export interface ProbeResult {
  ok: boolean;
  latency_ms: number;
  detail: string;
}

export interface Probeable {
  probe(signal?: AbortSignal): Promise<ProbeResult>;
}

/**
 * A character as every shot shows it: the cast's fixed visual description (which goes into every shot
 * prompt) and its reference portrait, made once per drama by the cast step.
 */
export interface ShotCharacter {
  name: string;
  /** The cast's fixed visual description (appearance, clothes), the same in every shot. */
  description: string;
  /** The character's reference portrait: a local file in ctx.workDir, when the cast has one. */
  portraitPath?: string;
}

/** Where a shot happens: the local composer draws the same backdrop for the same place. */
export interface ShotSetting {
  /** The scene's location as written (e.g. "国贸写字楼 23 层", "hospital corridor"). */
  place: string;
  timeOfDay?: 'dawn' | 'day' | 'dusk' | 'night';
}

export interface ImageRequest {
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  seed: number;
  /** Text drawn on local storyboard cards (title, scene lines); remote models ignore it. */
  caption?: { title: string; lines: string[] };
  /** The place of the shot (local composer: its backdrop). */
  setting?: ShotSetting;
  /**
   * Who is in the shot. Local: drawn from their portraits. Remote: their descriptions are in the prompt,
   * and providers that accept reference images are sent the portraits.
   */
  characters?: readonly ShotCharacter[];
}
export interface ImageResult {
  /** Local file inside ctx.workDir. */
  path: string;
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
}
export interface ImageGenerator extends ProviderInfo, Probeable {
  generate(request: ImageRequest, ctx: JobContext): Promise<ImageResult>;
}

export interface SpeechRequest {
  text: string;
  /** Our voice id (see src/domain/script/voices.ts); adapters map it to their own voices. */
  voice: string;
  language: 'zh' | 'en';
  speed?: number;
}
export interface SpeechResult {
  path: string;
  durationSec: number;
}
export interface SpeechSynthesizer extends ProviderInfo, Probeable {
  synthesize(request: SpeechRequest, outPath: string, ctx: JobContext): Promise<SpeechResult>;
}

export interface VideoCapabilities {
  /** Clip lengths the model accepts, in seconds (a longer scene is split into shots and joined). */
  clipDurations: readonly number[];
  ratios: readonly AspectRatio[];
  textToVideo: boolean;
  imageToVideo: boolean;
}
export interface VideoClipRequest {
  prompt: string;
  /** Local image file (the storyboard frame), for image-to-video. */
  imagePath?: string;
  durationSec: number;
  aspectRatio: AspectRatio;
  seed?: number;
}
export interface VideoClipResult {
  /** Downloaded into ctx.workDir at once: provider URLs expire. */
  path: string;
  durationSec: number;
}
/** A remote model that turns a prompt (and an image) into a silent clip; voice, subtitles and music are added locally. */
export interface VideoGenerator extends ProviderInfo, Probeable {
  readonly capabilities: VideoCapabilities;
  generateClip(request: VideoClipRequest, ctx: JobContext): Promise<VideoClipResult>;
}

export interface ModerationVerdict {
  ok: boolean;
  /** Human-readable reasons, empty when ok. */
  reasons: string[];
}
export interface ModerationProvider extends ProviderInfo, Probeable {
  reviewText(texts: readonly string[], ctx: JobContext): Promise<ModerationVerdict>;
  /** Frames extracted from a clip (local image files). */
  reviewImages(paths: readonly string[], ctx: JobContext): Promise<ModerationVerdict>;
}
