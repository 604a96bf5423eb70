/**
 * Most frames of a scene are exact repeats: a still picture whose subtitles change a few dozen times and
 * whose pan moves by whole pixels. The filter graph therefore renders only the frames where something
 * changes (`select`), and ffmpeg's constant-frame-rate output repeats each one until the next; x264 codes
 * the repeats as skipped blocks. This module decides which frames those are, by evaluating the same
 * arithmetic the `ass` and `crop` filters use.
 */

export interface TimedSpan {
  startSec: number;
  endSec: number;
}

export interface PanPlan {
  /** Total travel in pixels (even) along each axis over the scene. */
  travelX: number;
  travelY: number;
  /** Right to left and top to bottom instead (another take of the same scene drifts the other way). */
  reverse?: boolean;
}

export interface FramePlanInput {
  fps: number;
  frameCount: number;
  fadeFrames: number;
  /** Everything the ass filter draws, with the times as written to the .ass file. */
  spans: readonly TimedSpan[];
  pan?: PanPlan;
  /** Frames where the picture itself changes (a composed picture's speaker highlight). */
  changes?: readonly number[];
}

/** The ass file stores centiseconds; libass compares milliseconds. */
const assMs = (seconds: number) => Math.max(0, Math.round(seconds * 100)) * 10;

/** vf_subtitles passes `pts * av_q2d(time_base) * 1000`, truncated to an integer, with time_base 1/fps. */
const frameMs = (n: number, fps: number) => Math.trunc(n * (1 / fps) * 1000);

/**
 * Crop offsets as the crop filter computes them from `panCropExpressions` (same operations, same
 * doubles). Both axes move on the same frames, so a diagonal pan changes the picture as rarely as the
 * longer axis alone would.
 */
export function panOffset(n: number, frameCount: number, pan: PanPlan): { x: number; y: number } {
  const stepsX = pan.travelX / 2;
  const stepsY = pan.travelY / 2;
  const steps = Math.max(1, stepsX, stepsY);
  const k = Math.floor((n * steps) / frameCount);
  const x = Math.floor((k * stepsX) / steps);
  const y = Math.floor((k * stepsY) / steps);
  return pan.reverse ? { x: 2 * (stepsX - x), y: 2 * y } : { x: 2 * x, y: 2 * (stepsY - y) };
}

/** Left to right and bottom to top (or back, `reverse`), in whole two-pixel steps (chroma-aligned for yuv420p). */
export function panCropExpressions(frameCount: number, pan: PanPlan): { x: string; y: string } {
  const stepsX = pan.travelX / 2;
  const stepsY = pan.travelY / 2;
  const steps = Math.max(1, stepsX, stepsY);
  const k = `floor(n*${steps}/${frameCount})`;
  const x = `floor(${k}*${stepsX}/${steps})`;
  const y = `floor(${k}*${stepsY}/${steps})`;
  return pan.reverse ? { x: `2*(${stepsX}-${x})`, y: `2*${y}` } : { x: `2*${x}`, y: `2*(${stepsY}-${y})` };
}

/**
 * Frame numbers to render, ascending. After every subtitle change the next frame is rendered too: had
 * the millisecond arithmetic here run one frame ahead of libass, the change would otherwise be skipped
 * until the next rendered frame, while running one frame behind only shows it 1/fps late. Pan changes
 * are exact (integer frame arithmetic) and need no margin. Includes frame `frameCount`, one past the end,
 * which gives the last real frame its duration.
 */
export function framesToRender(input: FramePlanInput): number[] {
  const { fps, frameCount, fadeFrames, spans, pan } = input;
  const keep = new Set<number>();
  for (const n of input.changes ?? []) if (n >= 0 && n <= frameCount) keep.add(n);
  const add = (n: number) => {
    for (const k of [n, n + 1]) if (k <= frameCount) keep.add(k);
  };
  for (let n = 0; n < Math.min(frameCount, fadeFrames + 1); n++) keep.add(n);
  for (let n = Math.max(0, frameCount - fadeFrames - 1); n <= frameCount; n++) keep.add(n);
  const intervals = spans.map((s) => [assMs(s.startSec), assMs(s.endSec)] as const);
  let previous = '';
  let previousPan = '';
  for (let n = 0; n <= frameCount; n++) {
    const now = frameMs(n, fps);
    let state = '';
    for (let i = 0; i < intervals.length; i++) {
      const [start, end] = intervals[i] as readonly [number, number];
      if (start <= now && now < end) state += `${i},`;
    }
    if (state !== previous) add(n);
    previous = state;
    if (pan) {
      const { x, y } = panOffset(n, frameCount, pan);
      const at = `${x},${y}`;
      if (at !== previousPan) keep.add(n);
      previousPan = at;
    }
  }
  return [...keep].sort((a, b) => a - b);
}

/**
 * A select expression for the frames, written as ranges: `between(n,a,b)` terms joined by `+`. Commas
 * are escaped for the filtergraph parser.
 */
export function selectExpression(frames: readonly number[]): string {
  const ranges: [number, number][] = [];
  for (const n of frames) {
    const last = ranges.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else ranges.push([n, n]);
  }
  return ranges.map(([a, b]) => (a === b ? `eq(n\\,${a})` : `between(n\\,${a}\\,${b})`)).join('+');
}
