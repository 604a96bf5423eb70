import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClipFacts, ClipStretch } from '../../application/ports/media-tools.port.js';
import { runFfmpeg } from './ffmpeg.js';
import { integratedLoudness } from './loudness.js';
import type { PcmAudio } from './wav.js';

/**
 * The review's clip checks taken from the render itself instead of decoding the finished clip again
 * (which cost about a third of a scene's render): the renderer knows the frame size, the length, the
 * mix it hands to the encoder and the picture it moves across the frame. The tests are the ones the
 * decoding check applies (quality-checks.ts): ffmpeg's silencedetect (every channel under −50 dBFS)
 * and blackdetect (at least 98 % of a frame's pixels under 10 % luma), so a clip passes or fails the
 * same either way.
 */

/** silencedetect's default noise floor as the review uses it: −50 dBFS. */
export const SILENCE_DB = -50;
/** blackdetect's thresholds as the review uses them: pix_th=0.10, picture_black_ratio_th=0.98. */
export const BLACK_PIXEL_TH = 0.1;
export const BLACK_RATIO_TH = 0.98;
/** Shorter stretches are not recorded: every check allows at least this much. */
export const MIN_RECORDED_SEC = 0.5;

export interface PictureLayer {
  /** The still the picture is made of, as the renderer reads it (absolute, or relative to `cwd`). */
  path: string;
  cwd?: string;
  /** The still is scaled to cover the frame × this (1 = no camera travel) and the frame moves over it. */
  overscan: number;
}

export interface RenderFactsInput {
  width: number;
  height: number;
  durationSec: number;
  /** The mix exactly as it goes to the encoder. */
  mix: PcmAudio;
  /** The picture layer, or null when it is a clip the renderer did not compose (black is then unknown). */
  picture: PictureLayer | null;
  /** Where a scratch file may be written (the render's work folder). */
  scratchDir: string;
  signal?: AbortSignal;
}

export async function renderFacts(input: RenderFactsInput): Promise<ClipFacts> {
  const { width, height, durationSec, mix } = input;
  let black: ClipStretch[] | null = null;
  if (input.picture) {
    // A picture that cannot be analysed leaves black unknown: the review then decodes for it.
    const darkest = await darkestFrameShare(
      input.picture,
      width,
      height,
      input.scratchDir,
      input.signal,
    ).catch((error: unknown) => {
      if (input.signal?.aborted) throw error;
      return null;
    });
    if (darkest !== null) black = darkest >= BLACK_RATIO_TH ? [{ startSec: 0, durationSec }] : [];
  }
  const { left, right } = toFloat(mix);
  const lufs = integratedLoudness(left, right, mix.sampleRate);
  return {
    source: 'render',
    width,
    height,
    durationSec,
    videoCodec: 'h264',
    pixFmt: 'yuv420p',
    audio: true,
    loudnessLufs: Number.isFinite(lufs) ? Math.round(lufs * 100) / 100 : null,
    silence: silentStretches(mix, { thresholdDb: SILENCE_DB, minSec: MIN_RECORDED_SEC }),
    black,
  };
}

function toFloat(pcm: PcmAudio): { left: Float32Array; right: Float32Array } {
  const frames = Math.floor(pcm.samples.length / pcm.channels);
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const second = pcm.channels > 1 ? 1 : 0;
  for (let i = 0, o = 0; i < frames; i++, o += pcm.channels) {
    left[i] = (pcm.samples[o] as number) / 32768;
    right[i] = (pcm.samples[o + second] as number) / 32768;
  }
  return { left, right };
}

/**
 * Stretches where every channel stays under the threshold for at least `minSec`, as ffmpeg's
 * silencedetect finds them in 16-bit audio (|sample| < 10^(dB/20) × 32767; a stretch still open at the
 * end runs to the end).
 */
export function silentStretches(
  pcm: PcmAudio,
  options: { thresholdDb: number; minSec: number },
): ClipStretch[] {
  const limit = 10 ** (options.thresholdDb / 20) * 32767;
  const { channels, sampleRate, samples } = pcm;
  const frames = Math.floor(samples.length / channels);
  const minFrames = options.minSec * sampleRate;
  const stretches: ClipStretch[] = [];
  let start = -1;
  const close = (end: number) => {
    if (start >= 0 && end - start >= minFrames) {
      stretches.push({ startSec: start / sampleRate, durationSec: (end - start) / sampleRate });
    }
    start = -1;
  };
  for (let i = 0, o = 0; i < frames; i++, o += channels) {
    let quiet = true;
    for (let c = 0; c < channels; c++) {
      if (Math.abs(samples[o + c] as number) >= limit) {
        quiet = false;
        break;
      }
    }
    if (quiet) {
      if (start < 0) start = i;
    } else if (start >= 0) close(i);
  }
  close(frames);
  return stretches;
}

/**
 * The largest share of black pixels any frame of the picture layer can have: the still is scaled as the
 * renderer scales it (at a quarter of the size: the share hardly depends on it), and every window of
 * the frame's size over it is measured, whatever path the camera takes. Subtitles and headings only
 * add light text on small boxes, and the fades (0.4 s) are shorter than any check allows.
 */
export async function darkestFrameShare(
  picture: PictureLayer,
  width: number,
  height: number,
  scratchDir: string,
  signal?: AbortSignal,
): Promise<number> {
  const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
  const frameW = even(width / 4);
  const frameH = even(height / 4);
  const coverW = Math.max(frameW, even((width * picture.overscan) / 4));
  const coverH = Math.max(frameH, even((height * picture.overscan) / 4));
  const out = join(scratchDir, `luma-${process.pid}-${Math.random().toString(36).slice(2)}.yuv`);
  try {
    await runFfmpeg(
      [
        '-i',
        picture.path,
        '-vf',
        `scale=${coverW}:${coverH}:force_original_aspect_ratio=increase:out_color_matrix=bt709,crop=${coverW}:${coverH},format=yuv420p`,
        '-frames:v',
        '1',
        '-f',
        'rawvideo',
        out,
      ],
      { cwd: picture.cwd, signal },
    );
    const luma = (await readFile(out)).subarray(0, coverW * coverH);
    if (luma.length < coverW * coverH) throw new Error('the picture decoded short');
    // blackdetect on limited-range video: a pixel is black under 16 + pix_th × (235 − 16).
    const threshold = 16 + BLACK_PIXEL_TH * (235 - 16);
    return darkestWindowShare(luma, coverW, coverH, frameW, frameH, threshold);
  } finally {
    await rm(out, { force: true });
  }
}

/** Max over every w×h window of a luma plane of the share of pixels at or under `threshold` (2-D prefix sums). */
export function darkestWindowShare(
  luma: Uint8Array,
  planeW: number,
  planeH: number,
  w: number,
  h: number,
  threshold: number,
): number {
  const stride = planeW + 1;
  const sums = new Uint32Array(stride * (planeH + 1));
  for (let y = 0; y < planeH; y++) {
    let row = 0;
    for (let x = 0; x < planeW; x++) {
      if ((luma[y * planeW + x] as number) <= threshold) row++;
      sums[(y + 1) * stride + x + 1] = (sums[y * stride + x + 1] as number) + row;
    }
  }
  let darkest = 0;
  for (let y = 0; y + h <= planeH; y++) {
    for (let x = 0; x + w <= planeW; x++) {
      const count =
        (sums[(y + h) * stride + x + w] as number) -
        (sums[y * stride + x + w] as number) -
        (sums[(y + h) * stride + x] as number) +
        (sums[y * stride + x] as number);
      darkest = Math.max(darkest, count / (w * h));
    }
  }
  return darkest;
}
