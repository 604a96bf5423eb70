import { rm } from 'node:fs/promises';
import {
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
  const args = [
    '-f',
    'lavfi',
    '-i',
    `color=c=0x1c2430:s=${width}x${height}:r=${fps}:d=${d}`,
    '-f',
    'lavfi',
    '-i',
    `sine=f=440:sample_rate=${AUDIO_SAMPLE_RATE}:d=${d}`,
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=c=pink:r=${AUDIO_SAMPLE_RATE}:a=0.02:seed=1:d=${d}`,
    '-filter_complex',
    '[1:a][2:a]amix=inputs=2[a]',
    '-map',
    '0:v',
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
