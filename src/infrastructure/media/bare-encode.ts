import { rm } from 'node:fs/promises';
import {
  AUDIO_FRAME_SAMPLES,
  audioEncodeArgs,
  AUDIO_SAMPLE_RATE,
  CONTAINER_ARGS,
  VIDEO_FPS,
  videoEncodeArgs,
} from './encoding.js';
import { runFfmpeg } from './ffmpeg.js';

export interface BareEncodeInput {
  durationSec: number;
  width: number;
  height: number;
  fps?: number;
  outPath: string;
  signal?: AbortSignal;
}

/**
 * The benchmark baseline: the scene encoder settings and duration with nothing of ours in front (no
 * speech, music, subtitles or overlays), from ffmpeg's own sources.
 *
 * The tone carries quiet pink noise because a pure sine is a pathological input for ffmpeg's AAC
 * encoder: at 128 kb/s it spends ~4x the CPU it spends on real programme audio, which would inflate the
 * baseline and flatter every ratio against it.
 */
export async function bareEncode(input: BareEncodeInput): Promise<{ path: string; durationSec: number }> {
  const { durationSec, width, height, outPath, signal } = input;
  const fps = input.fps ?? VIDEO_FPS;
  const d = durationSec.toFixed(3);
  // Sources inside the graph, as in the scene renderer: -f lavfi inputs would add input threads and a
  // copy of every frame, and make the baseline ~25% slower than it needs to be.
  const graph = [
    `color=c=0x1c2430:s=${width}x${height}:r=${fps}:d=${d}[v]`,
    `sine=f=440:sample_rate=${AUDIO_SAMPLE_RATE}:d=${d}[tone]`,
    `anoisesrc=c=pink:r=${AUDIO_SAMPLE_RATE}:a=0.02:seed=1:d=${d}[noise]`,
    `[tone][noise]amix=inputs=2,asetnsamples=n=${AUDIO_FRAME_SAMPLES}:p=0[a]`,
  ].join(';');
  const args = [
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-map',
    '[a]',
    ...videoEncodeArgs(fps),
    ...audioEncodeArgs(),
    '-t',
    d,
    ...CONTAINER_ARGS,
    outPath,
  ];
  try {
    await runFfmpeg(args, { signal, totalSec: durationSec });
  } catch (error) {
    await rm(outPath, { force: true });
    throw error;
  }
  return { path: outPath, durationSec };
}
