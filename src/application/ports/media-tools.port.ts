import type { ClipFacts } from '../../domain/drama/drama.types.js';
import type { AspectRatio, Resolution, ShotCharacter, ShotSetting } from './ai-providers.port.js';

export type { ClipFacts, ClipStretch } from '../../domain/drama/drama.types.js';

/** The local media toolkit (ffmpeg): renders scene clips, storyboard cards and episodes, and checks clips. */

export interface SpokenLine {
  speaker: string;
  text: string;
  /** Our voice id (src/domain/script/voices.ts). */
  voice: string;
}

/** Synthesises one line to a WAV file; given when a remote TTS provider speaks instead of the local one. */
export type SpeakFn = (
  line: SpokenLine,
  outPath: string,
  speed: number,
) => Promise<{ path: string; durationSec: number }>;

export interface SceneRenderRequest {
  outputDir: string;
  basename: string;
  aspectRatio: AspectRatio;
  resolution?: Resolution;
  durationSec: number;
  /** What the picture shows: a dark card with text, a still image with slow pan/zoom, or a clip. */
  background: { kind: 'text' } | { kind: 'image'; path: string } | { kind: 'video'; path: string };
  heading: string;
  narration?: string;
  dialogue: readonly SpokenLine[];
  /**
   * Local pictures: the place and the characters present. When given (and there is no remote clip), the
   * renderer composes the picture itself (backdrop, characters, the speaker of each line highlighted
   * while they talk, camera motion on the picture layer only). Dialogue speakers are matched by name.
   */
  picture?: { setting: ShotSetting; characters: readonly ShotCharacter[] };
  /**
   * Lengthen the clip (up to this many seconds) so every line is spoken at a natural pace, instead of
   * speeding speech up and dropping what does not fit into `durationSec`.
   */
  fitToSpeechMaxSec?: number;
  musicSeed: number;
  mood?: string;
  /** Which take of the scene this is (regenerated or re-rendered scenes are new takes): the camera varies. */
  take?: number;
  /**
   * The scene's stretch of its episode's music track (`musicSeed` names the track): the bed starts
   * `offsetSec` into it, and carries on across a cut (no fade) where a neighbouring scene continues it.
   */
  musicTrack?: { offsetSec: number; carryIn: boolean; carryOut: boolean };
  speak?: SpeakFn;
  signal: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface SceneRenderResult {
  videoPath: string;
  srtPath: string;
  vttPath: string;
  durationSec: number;
  droppedLines: number[];
  /** What the render knows about its own output, so the review need not decode the clip again. */
  checks: ClipFacts;
}

export interface ClipExpectation {
  width: number;
  height: number;
  durationSec: number;
  toleranceSec?: number;
  requireAudio?: boolean;
  maxBlackSec?: number;
  maxSilenceSec?: number;
}

export interface ClipCheck {
  ok: boolean;
  problems: string[];
}

export interface EpisodeClip {
  videoPath: string;
  /** The scene's WebVTT subtitles (they keep who speaks each line). */
  vttPath: string;
  durationSec: number;
}

export interface MediaTools {
  renderScene(request: SceneRenderRequest): Promise<SceneRenderResult>;
  renderStoryboardCard(request: {
    aspectRatio: AspectRatio;
    resolution?: Resolution;
    title: string;
    lines: string[];
    seed: number;
    outPath: string;
    signal: AbortSignal;
  }): Promise<{ path: string }>;
  /** Joins silent remote clips into one and fits it to the scene's resolution, frame rate and duration. */
  joinClips(request: {
    clips: string[];
    aspectRatio: AspectRatio;
    resolution?: Resolution;
    durationSec: number;
    outPath: string;
    signal: AbortSignal;
  }): Promise<{ path: string }>;
  assembleEpisode(request: {
    clips: EpisodeClip[];
    outputPath: string;
    srtPath: string;
    vttPath: string;
    posterPath: string;
    /** The drama's title drawn over a picture without text (e.g. the first scene's picture). */
    poster?: { title: string; imagePath?: string };
    signal: AbortSignal;
    onProgress?: (fraction: number) => void;
  }): Promise<{ durationSec: number }>;
  /**
   * Checks a clip against the plan. With `facts` from its render, black and silent stretches come from
   * them (the file's container is still probed: size, codec, length, audio); without, the clip is decoded.
   */
  checkClip(
    path: string,
    expectation: ClipExpectation,
    signal: AbortSignal,
    facts?: ClipFacts,
  ): Promise<ClipCheck>;
  /** `count` JPEG frames spread evenly over the clip, for image moderation. */
  extractFrames(path: string, count: number, outDir: string, signal: AbortSignal): Promise<string[]>;
}

export const MEDIA_TOOLS = Symbol('MediaTools');
