import { access, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { throwIfAborted } from './abort.js';
import { mixSceneAudio, type PlacedSpeech } from './audio-mix.js';
import {
  cuesForTimeline,
  layoutDialogue,
  requiredSpeedup,
  type TimelineOptions,
} from './dialogue-timeline.js';
import {
  AUDIO_FRAME_SAMPLES,
  AUDIO_SAMPLE_RATE,
  audioEncodeArgs,
  CONTAINER_ARGS,
  MIX_SAMPLE_RATE,
  VIDEO_FPS,
  videoEncodeArgs,
} from './encoding.js';
import type { ClipFacts } from '../../application/ports/media-tools.port.js';
import { runFfmpeg } from './ffmpeg.js';
import { renderFacts } from './render-checks.js';
import { CJK_FONT_FAMILY } from './fonts.js';
import { framesToRender, panCropExpressions, selectExpression, type TimedSpan } from './frame-plan.js';
import { gradientBmp } from './gradient.js';
import { LocalTts, type Speech, type SpeechRequest } from './local-tts.js';
import { synthesizeMusic, type Mood } from './music.js';
import {
  composedSource,
  segmentStarts,
  speakerSegments,
  writePictureLayers,
  type ScenePicture,
} from './picture-track.js';
import { subtitleLayout, toAss, toSrt, toVtt, type AssOverlay, type Cue } from './subtitles.js';
import { encodeWav } from './wav.js';
import { publish, withWorkDir } from './work-dir.js';

export interface DialogueLine {
  speaker: string;
  text: string;
  /** A LOCAL_VOICES id. */
  voice: string;
}

export interface SceneInput {
  outputDir: string;
  basename: string;
  /** 1280×720 for 16:9, 720×1280 for 9:16. */
  width: number;
  height: number;
  fps?: number;
  durationSec: number;
  /** text: dark card; image: a still with a slow pan; video: a clip (e.g. from a remote model), looped if short. */
  mode: 'text' | 'image' | 'video';
  imagePath?: string;
  videoPath?: string;
  /**
   * The place and the characters present: the picture is then composed here (backdrop, characters, the
   * speaker of each line highlighted while they talk) instead of `imagePath` or a dark card. Ignored in
   * video mode (a remote clip is the picture).
   */
  picture?: ScenePicture;
  /** e.g. "第1集 第2场 · 北京写字楼 · 夜" */
  heading: string;
  narration?: string;
  dialogue: readonly DialogueLine[];
  /**
   * Lengthen the scene, up to this many seconds, until every line fits at a natural pace (`durationSec`
   * is then the shortest it may be). Without it the length is fixed: speech is sped up, then lines that
   * still do not fit are dropped (and listed in `droppedLines`).
   */
  fitToSpeechMaxSec?: number;
  musicSeed: number;
  mood?: Mood;
  /** Which take of the scene this is (a regenerated scene is another take): odd takes drift the other way. */
  take?: number;
  /**
   * The scene's stretch of its episode's music track (`musicSeed` names the track): the bed starts
   * `offsetSec` into it, and carries on across a cut (no fade) where a neighbouring scene continues it.
   */
  musicTrack?: { offsetSec: number; carryIn: boolean; carryOut: boolean };
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /**
   * Shared engine; a LocalTts is created (and closed) per call when absent. Share it: start-up is ~1 s.
   * A remote speech provider can stand in through the same interface.
   */
  tts?: SpeechEngine;
}

/** What the renderer needs from a text-to-speech engine: mono speech per line, in order. */
export interface SpeechEngine {
  readonly local?: boolean;
  speakMany(requests: readonly SpeechRequest[], options: { signal?: AbortSignal }): Promise<Speech[]>;
}

export interface SceneOutput {
  videoPath: string;
  srtPath: string;
  vttPath: string;
  assPath: string;
  durationSec: number;
  cues: Cue[];
  /** Lines that did not fit into the planned duration even when spoken faster. */
  droppedLines: number[];
  /** Speed factor the dialogue was finally spoken at (1 = natural). */
  speechSpeed: number;
  /** Wall seconds per phase: speech synthesis (with the music made meanwhile), mix + files, ffmpeg encode. */
  timings: { speechSec: number; audioSec: number; encodeSec: number };
  /** The review's checks from the render itself (render-checks.ts). */
  checks: ClipFacts;
}

const FADE_SEC = 0.4;
/** The picture's name in the work folder (a link in image mode): the movie source then needs no escaping. */
const PICTURE = 'picture';
const CLIP = 'clip.mp4';
const MAX_SPEEDUP = 1.45;
/** Image mode frames a slightly larger picture and drifts across it; a whole-pixel crop costs nothing. */
const PAN_OVERSCAN = 1.08;

/**
 * One scene as an H.264/AAC MP4 of exactly `durationSec`, with its subtitles as SRT, WebVTT and ASS
 * beside it. Nothing appears at the output paths until everything is done; on failure or cancellation
 * nothing is left behind. A render keeps about one core busy (x264 runs single-threaded, speech runs
 * on the TTS worker threads), so on two cores render two scenes at once, sharing one LocalTts.
 */
export async function renderScene(input: SceneInput): Promise<SceneOutput> {
  validate(input);
  const { width, height, signal } = input;
  const fps = input.fps ?? VIDEO_FPS;
  const progress = input.onProgress ?? (() => undefined);
  const paths = {
    videoPath: join(input.outputDir, `${input.basename}.mp4`),
    srtPath: join(input.outputDir, `${input.basename}.srt`),
    vttPath: join(input.outputDir, `${input.basename}.vtt`),
    assPath: join(input.outputDir, `${input.basename}.ass`),
  };
  if (input.mode === 'image') await access(input.imagePath as string);
  if (input.mode === 'video') await access(input.videoPath as string);
  throwIfAborted(signal, 'scene rendering');
  progress(0);

  const clock = stopwatch();
  const timingFor = (sec: number): TimelineOptions => ({
    durationSec: sec,
    leadInSec: FADE_SEC + 0.3,
    tailSec: FADE_SEC + 0.3,
  });
  const makeMusic = (sec: number) =>
    synthesizeMusic({
      durationSec: sec,
      seed: input.musicSeed,
      mood: input.mood ?? 'calm',
      sampleRate: MIX_SAMPLE_RATE,
      offsetSec: input.musicTrack?.offsetSec ?? 0,
    });
  let durationSec = input.durationSec;
  let spoken: Awaited<ReturnType<typeof speakDialogue>>;
  let music: ReturnType<typeof synthesizeMusic>;
  if (input.fitToSpeechMaxSec) {
    // The length follows the speech: speak first, then make music as long as the scene turned out.
    const natural = await speakDialogue(input, timingFor(Number.POSITIVE_INFINITY));
    const needed = fittedDuration(
      natural.speech.map((s) => s.durationSec),
      timingFor(durationSec),
    );
    durationSec = Math.min(input.fitToSpeechMaxSec, Math.max(durationSec, needed));
    spoken =
      durationSec >= needed
        ? {
            ...natural,
            ...layoutDialogue(
              natural.speech.map((s) => s.durationSec),
              timingFor(durationSec),
            ),
          }
        : await speakDialogue(input, timingFor(durationSec));
    music = makeMusic(durationSec);
  } else {
    // The music is made on this thread while the TTS workers speak.
    [spoken, music] = await Promise.all([
      speakDialogue(input, timingFor(durationSec)),
      Promise.resolve().then(() => makeMusic(durationSec)),
    ]);
  }
  const { speech, slots, dropped, speed } = spoken;
  const speechSec = clock();
  progress(0.15);
  const layout = subtitleLayout(width, height);
  const cues = cuesForTimeline(input.dialogue, slots, { ...layout, durationSec });
  const placed: PlacedSpeech[] = slots.map((slot) => ({
    startSec: slot.startSec,
    pcm: (speech[slot.index] as Speech).pcm,
  }));
  const mix = mixSceneAudio({
    durationSec,
    music,
    speech: placed,
    // ffmpeg resamples to the delivery rate (better than linear interpolation, and half the bytes to write).
    outputRate: MIX_SAMPLE_RATE,
    fadeSec: FADE_SEC,
    carry: { in: input.musicTrack?.carryIn ?? false, out: input.musicTrack?.carryOut ?? false },
  });
  throwIfAborted(signal, 'scene rendering');
  progress(0.2);

  let audioSec = 0;
  let encodeSec = 0;
  let checks: ClipFacts | undefined;
  await withWorkDir(paths.videoPath, async (dir) => {
    const overlays: AssOverlay[] = [
      { startSec: 0, endSec: durationSec, text: input.heading, kind: 'heading' },
    ];
    if (input.narration?.trim()) {
      // Over a picture (a still or a composed scene) narration is a caption under the heading, not centred text.
      const kind = input.mode === 'text' && !input.picture ? 'narration' : 'caption';
      overlays.push({ startSec: 0, endSec: durationSec, text: input.narration.trim(), kind });
    }
    const assOptions = { width, height, fontName: CJK_FONT_FAMILY };
    const files: [string, string | Buffer][] = [
      ['mix.wav', encodeWav(mix)],
      ['burn.ass', toAss(cues, { ...assOptions, overlays })],
      ['out.srt', toSrt(cues, { maxColumns: layout.maxColumns })],
      ['out.vtt', toVtt(cues)],
      ['out.ass', toAss(cues, assOptions)],
    ];
    if (input.mode === 'text') {
      const backdrop = { width: Math.ceil(width / 4), height: Math.ceil(height / 4) };
      files.push([PICTURE, gradientBmp({ ...backdrop, seed: input.musicSeed, tone: 'dark' })]);
    } else if (input.mode === 'image') {
      await symlink(resolve(input.imagePath as string), join(dir, PICTURE));
    } else {
      await symlink(resolve(input.videoPath as string), join(dir, CLIP));
    }
    await Promise.all(files.map(([name, data]) => writeFile(join(dir, name), data)));
    audioSec = clock();

    const frames = Math.round(durationSec * fps);
    const spans = [...cues, ...overlays];
    const composed =
      input.picture && input.mode !== 'video'
        ? await composePicture(dir, input.picture, input, fps, frames, cues)
        : undefined;
    // Sources live inside the graph: with no -i inputs ffmpeg runs no input threads and no rawvideo
    // "decoding" copies, which cost a plain encode ~25% of its CPU.
    const audio = `amovie=mix.wav,aresample=${AUDIO_SAMPLE_RATE},asetnsamples=n=${AUDIO_FRAME_SAMPLES}:p=0`;
    const picture =
      input.mode === 'video'
        ? movingPicture(input, fps)
        : composed
          ? `${composed.source},${videoFilters(input, fps, frames, spans, composed.changes)}`
          : `movie=${PICTURE},${videoFilters(input, fps, frames, spans)}`;
    const args = [
      '-filter_complex',
      `${picture}[v];${audio}[a]`,
      '-map',
      '[v]',
      '-map',
      '[a]',
      ...videoEncodeArgs(fps),
      ...audioEncodeArgs(),
      '-t',
      durationSec.toFixed(3),
      ...CONTAINER_ARGS,
      'out.mp4',
    ];
    // Measured beside the encode (a quarter-size look at the picture, a pass over the mix).
    const facts = renderFacts({
      width,
      height,
      durationSec,
      mix,
      picture:
        input.mode === 'video'
          ? null
          : { path: PICTURE, cwd: dir, overscan: input.mode === 'image' ? PAN_OVERSCAN : 1 },
      scratchDir: dir,
      signal,
    });
    const encoding = runFfmpeg(args, {
      cwd: dir,
      signal,
      totalSec: durationSec,
      onProgress: (f) => progress(0.2 + 0.8 * f),
    });
    // Both ffmpeg runs end (a cancel kills both) before the work folder is removed.
    const [encoded, measured] = await Promise.allSettled([encoding, facts]);
    if (encoded.status === 'rejected') throw encoded.reason;
    if (measured.status === 'rejected') throw measured.reason;
    checks = measured.value;
    encodeSec = clock();
    await publish([
      [join(dir, 'out.srt'), paths.srtPath],
      [join(dir, 'out.vtt'), paths.vttPath],
      [join(dir, 'out.ass'), paths.assPath],
      [join(dir, 'out.mp4'), paths.videoPath],
    ]);
  });
  progress(1);
  return {
    ...paths,
    durationSec,
    cues,
    droppedLines: dropped,
    speechSpeed: speed,
    timings: { speechSec, audioSec, encodeSec },
    checks: checks as ClipFacts,
  };
}

/** Each call returns the seconds since the previous one. */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = (now - last) / 1000;
    last = now;
    return elapsed;
  };
}

/**
 * The picture is made once and repeated by `loop` (decoding or generating each frame is otherwise the
 * main cost); only frames where the subtitles, the pan position or a fade change are passed on to the
 * subtitle renderer (see frame-plan.ts), and the encoder repeats each until the next. In image mode the
 * still is scaled once to cover a slightly larger frame and a crop window drifts across it.
 * The output is cut by `-t` alone: `-frames:v` would close the audio stream too as soon as the last
 * video frame is written, losing the audio still in flight (~0.16 s).
 */
function videoFilters(
  input: SceneInput,
  fps: number,
  frameCount: number,
  spans: readonly TimedSpan[],
  /** Composed pictures: the source is already a numbered stream at cover size; it changes on these frames. */
  changes?: readonly number[],
): string {
  const { width, height, durationSec } = input;
  const { coverWidth, coverHeight } = coverSize(width, height);
  const pan =
    input.mode === 'image' || changes
      ? { travelX: coverWidth - width, travelY: coverHeight - height, reverse: (input.take ?? 0) % 2 === 1 }
      : undefined;
  const prepare = changes
    ? []
    : input.mode === 'text'
      ? // The gradient is drawn at quarter size (1/16 of the pixels) and scaled up once: nothing is lost.
        [`scale=${width}:${height}:flags=bicubic:out_color_matrix=bt709`, 'setsar=1', 'format=yuv420p']
      : [
          `scale=${coverWidth}:${coverHeight}:force_original_aspect_ratio=increase:out_color_matrix=bt709`,
          `crop=${coverWidth}:${coverHeight}`,
          // Scaling to cover keeps the display aspect by stretching pixels (e.g. 12448:12447): square them.
          'setsar=1',
          'format=yuv420p',
        ];
  const repeat = changes ? [] : [`loop=loop=${frameCount}:size=1:start=0`, `settb=1/${fps}`, 'setpts=N'];
  const crop = pan ? panCropExpressions(frameCount, pan) : undefined;
  const move = crop ? [`crop=${width}:${height}:x=${crop.x}:y=${crop.y}`] : [];
  const fadeFrames = Math.ceil(FADE_SEC * fps);
  const frames = framesToRender({
    fps,
    frameCount,
    fadeFrames,
    spans,
    ...(pan && { pan }),
    ...(changes && { changes }),
  });
  const fadeOut = Math.max(0, durationSec - FADE_SEC).toFixed(3);
  return [
    ...prepare,
    ...repeat,
    ...move,
    `select=${selectExpression(frames)}`,
    // No fontsdir: libass would read the 8 MB font into memory on every run; through our fontconfig
    // file (see fonts.ts) it opens only what it draws, ~0.1 s CPU less per scene.
    'ass=burn.ass',
    `fade=t=in:st=0:d=${FADE_SEC}`,
    `fade=t=out:st=${fadeOut}:d=${FADE_SEC}`,
    // Repeats inside the graph (by reference): left to the muxer's frame-rate conversion, the gaps stall
    // ffmpeg's scheduler and the wall time doubled.
    `fps=${fps}`,
  ].join(',');
}

/** The picture is drawn this much larger than the frame, and the camera drifts across it. */
function coverSize(width: number, height: number): { coverWidth: number; coverHeight: number } {
  const even = (n: number) => 2 * Math.round(n / 2);
  return { coverWidth: even(width * PAN_OVERSCAN), coverHeight: even(height * PAN_OVERSCAN) };
}

/**
 * The composed picture: one still per speaker state (drawn once, at cover size), switched when the
 * speaker changes; the camera then moves over it exactly as over an image.
 */
async function composePicture(
  dir: string,
  picture: ScenePicture,
  input: SceneInput,
  fps: number,
  frameCount: number,
  cues: readonly Cue[],
): Promise<{ source: string; changes: number[] }> {
  const { coverWidth, coverHeight } = coverSize(input.width, input.height);
  const names = picture.characters.map((c) => c.name);
  const segments = speakerSegments(cues, names, fps, frameCount);
  const { states, stateOfSegment } = await writePictureLayers(
    dir,
    picture,
    coverWidth,
    coverHeight,
    segments,
    input.signal,
  );
  return {
    source: composedSource(states, stateOfSegment, segments, fps),
    changes: segmentStarts(segments),
  };
}

/**
 * A clip as the picture: every frame differs, so there is no frame selection; the clip loops if it is
 * shorter than the scene and `-t` cuts it.
 */
function movingPicture(input: SceneInput, fps: number): string {
  const { width, height, durationSec } = input;
  const fadeOut = Math.max(0, durationSec - FADE_SEC).toFixed(3);
  return [
    `movie=${CLIP}:loop=0`,
    'setpts=N/(FRAME_RATE*TB)',
    `scale=${width}:${height}:force_original_aspect_ratio=increase:out_color_matrix=bt709`,
    `crop=${width}:${height}`,
    'setsar=1',
    `fps=${fps}`,
    'format=yuv420p',
    'ass=burn.ass',
    `fade=t=in:st=0:d=${FADE_SEC}`,
    `fade=t=out:st=${fadeOut}:d=${FADE_SEC}`,
  ].join(',');
}

async function speakDialogue(input: SceneInput, timing: TimelineOptions) {
  const lines = input.dialogue;
  if (lines.length === 0) return { speech: [] as Speech[], slots: [], dropped: [], speed: 1 };
  const tts = input.tts ?? new LocalTts();
  try {
    const say = (speed: number) =>
      tts.speakMany(
        lines.map((line) => ({ text: line.text, voice: line.voice, speed })),
        { signal: input.signal },
      );
    let speed = 1;
    let speech = await say(speed);
    const needed = requiredSpeedup(
      speech.map((s) => s.durationSec),
      timing,
    );
    if (needed > 1) {
      // espeak's rate is words per minute, and pauses do not shrink in proportion: aim a little faster.
      speed = Math.min(MAX_SPEEDUP, needed * 1.04);
      speech = await say(speed);
    }
    const { slots, dropped } = layoutDialogue(
      speech.map((s) => s.durationSec),
      timing,
    );
    return { speech, slots, dropped, speed };
  } finally {
    if (!input.tts) await (tts as LocalTts).close();
  }
}

/** The shortest scene that holds every line at its natural length with the smallest gaps, in 0.1 s. */
function fittedDuration(speechSec: readonly number[], timing: TimelineOptions): number {
  const { leadInSec = 0, tailSec = 0, minGapSec = 0.3 } = timing;
  const total = speechSec.reduce((a, b) => a + b, 0) + minGapSec * Math.max(0, speechSec.length - 1);
  return Math.ceil((leadInSec + tailSec + total) * 10) / 10;
}

function validate(input: SceneInput): void {
  const problems: string[] = [];
  if (
    !Number.isInteger(input.width) ||
    !Number.isInteger(input.height) ||
    input.width % 2 ||
    input.height % 2
  ) {
    problems.push(`frame size must be even integers, got ${input.width}×${input.height}`);
  }
  if (!(input.durationSec >= 2 && input.durationSec <= 600))
    problems.push(`duration must be 2–600 s, got ${input.durationSec}`);
  if (input.mode === 'image' && !input.imagePath) problems.push('image mode needs imagePath');
  if (input.mode === 'video' && !input.videoPath) problems.push('video mode needs videoPath');
  if (!/^[\w.-]+$/.test(input.basename))
    problems.push(`basename must be a plain file name, got "${input.basename}"`);
  if (!input.tts || input.tts.local) for (const line of input.dialogue) LocalTts.resolveVoice(line.voice);
  if (problems.length > 0) throw new Error(`cannot render scene: ${problems.join('; ')}`);
}
