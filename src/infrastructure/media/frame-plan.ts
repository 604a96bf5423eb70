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
}

export interface FramePlanInput {
  fps: number;
  frameCount: number;
  fadeFrames: number;
  /** Everything the ass filter draws, with the times as written to the .ass file. */
  spans: readonly TimedSpan[];
  pan?: PanPlan;
}

/** The ass file stores centiseconds; libass compares milliseconds. */
const assMs = (seconds: number) => Math.max(0, Math.round(seconds * 100)) * 10;

/** vf_subtitles passes `pts * av_q2d(time_base) * 1000`, truncated to an integer, with time_base 1/fps. */
const frameMs = (n: number, fps: number) => Math.trunc(n * (1 / fps) * 1000);

/** Crop offsets as the filter computes them from the expressions in `panCropExpressions`. */
export function panOffset(n: number, frameCount: number, pan: PanPlan): { x: number; y: number } {
  const stepsX = pan.travelX / 2;
  const stepsY = pan.travelY / 2;
  return {
    x: 2 * Math.floor((n * stepsX) / frameCount),
    y: 2 * (stepsY - Math.floor((n * stepsY) / frameCount)),
  };
}

/** Left to right and bottom to top, in whole two-pixel steps (chroma-aligned for yuv420p). */
export function panCropExpressions(frameCount: number, pan: PanPlan): { x: string; y: string } {
  const stepsX = pan.travelX / 2;
  const stepsY = pan.travelY / 2;
  return {
    x: `2*floor(n*${stepsX}/${frameCount})`,
    y: `2*(${stepsY}-floor(n*${stepsY}/${frameCount}))`,
  };
}

/**
 * Frame numbers to render, ascending. Around every change the neighbouring frames are kept as well, so a
 * one-frame disagreement in rounding can only delay nothing: the frame on each side is rendered anyway.
 * Includes frame `frameCount`, one past the end, which gives the last real frame its duration.
 */
export function framesToRender(input: FramePlanInput): number[] {
  const { fps, frameCount, fadeFrames, spans, pan } = input;
  const keep = new Set<number>();
  const add = (n: number) => {
    for (const k of [n - 1, n, n + 1]) if (k >= 0 && k <= frameCount) keep.add(k);
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
      if (at !== previousPan) add(n);
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
