/**
 * Where scene renders spend their wall time, summed over every render of this process: for
 * `npm run bench:drama`'s breakdown (the job events only know whole jobs). Costs two additions a render.
 */
export interface RenderPhases {
  renders: number;
  /** Speech synthesis, with the music made meanwhile (or after it, when the length follows the speech). */
  speechSec: number;
  /** The JS mix (ducking, loudness, limiter) and writing the work files. */
  audioSec: number;
  /** The ffmpeg encode, with the render's own quality facts measured beside it. */
  encodeSec: number;
}

const totals: RenderPhases = { renders: 0, speechSec: 0, audioSec: 0, encodeSec: 0 };

export function recordRenderPhases(timings: Omit<RenderPhases, 'renders'>): void {
  totals.renders++;
  totals.speechSec += timings.speechSec;
  totals.audioSec += timings.audioSec;
  totals.encodeSec += timings.encodeSec;
}

export function renderPhaseTotals(): RenderPhases {
  return { ...totals };
}
