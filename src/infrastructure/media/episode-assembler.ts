import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { throwIfAborted } from './abort.js';
import { CONTAINER_ARGS } from './encoding.js';
import { runFfmpeg } from './ffmpeg.js';
import { probeMedia } from './probe.js';
import { toSrt, toVtt, type Cue } from './subtitles.js';
import { publish, withWorkDir } from './work-dir.js';

export interface EpisodeClip {
  videoPath: string;
  durationSec: number;
  cues: readonly Cue[];
}

export interface AssembleInput {
  clips: readonly EpisodeClip[];
  outputPath: string;
  srtPath: string;
  vttPath: string;
  posterPath: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** Quoting for the concat demuxer's `file '…'` lines: a quote is closed, escaped and reopened. */
const concatQuote = (path: string) => `'${path.replace(/'/g, "'\\''")}'`;

/** Cues of consecutive clips, each shifted by the planned durations of the clips before it. */
export function mergeCues(clips: readonly Pick<EpisodeClip, 'durationSec' | 'cues'>[]): Cue[] {
  const merged: Cue[] = [];
  let offset = 0;
  for (const clip of clips) {
    for (const cue of clip.cues) {
      merged.push({
        ...cue,
        startSec: cue.startSec + offset,
        endSec: Math.min(cue.endSec, clip.durationSec) + offset,
      });
    }
    offset += clip.durationSec;
  }
  return merged;
}

/**
 * Joins scene clips by stream copy (no re-encode: every clip carries the same encoder settings, see
 * encoding.ts), writes the merged subtitles and a poster frame. The concat list states each clip's planned
 * duration, so the next clip starts exactly there even though AAC frames overhang by a few milliseconds,
 * and the subtitle offsets stay exact however many scenes there are.
 */
export async function assembleEpisode(input: AssembleInput): Promise<{ durationSec: number }> {
  const { clips, outputPath, signal } = input;
  if (clips.length === 0) throw new Error('cannot assemble an episode from no clips');
  throwIfAborted(signal, 'episode assembly');
  const totalSec = clips.reduce((sum, clip) => sum + clip.durationSec, 0);
  const progress = input.onProgress ?? (() => undefined);
  await withWorkDir(outputPath, async (dir) => {
    const list = clips.map(
      (clip) => `file ${concatQuote(clip.videoPath)}\nduration ${clip.durationSec.toFixed(6)}`,
    );
    await writeFile(join(dir, 'clips.txt'), `ffconcat version 1.0\n${list.join('\n')}\n`);
    const cues = mergeCues(clips);
    await writeFile(join(dir, 'out.srt'), toSrt(cues));
    await writeFile(join(dir, 'out.vtt'), toVtt(cues));
    const joined = join(dir, `out-${basename(outputPath)}`);
    await runFfmpeg(
      [
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        'clips.txt',
        '-map',
        '0',
        '-c',
        'copy',
        '-t',
        totalSec.toFixed(3),
        ...CONTAINER_ARGS,
        joined,
      ],
      { cwd: dir, signal, totalSec, onProgress: (f) => progress(0.9 * f) },
    );
    // Poster: a frame from the first scene once its fade-in is over, scaled by the decoder only.
    const first = clips[0] as EpisodeClip;
    const at = Math.min(first.durationSec / 2, 2.5).toFixed(3);
    await runFfmpeg(['-ss', at, '-i', first.videoPath, '-frames:v', '1', '-q:v', '3', 'poster.jpg'], {
      cwd: dir,
      signal,
    });
    await publish([
      [join(dir, 'out.srt'), input.srtPath],
      [join(dir, 'out.vtt'), input.vttPath],
      [join(dir, 'poster.jpg'), input.posterPath],
      [joined, outputPath],
    ]);
  });
  progress(1);
  const probe = await probeMedia(outputPath, signal);
  return { durationSec: probe.durationSec };
}
