import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { throwIfAborted } from './abort.js';
import { CONTAINER_ARGS } from './encoding.js';
import { runFfmpeg } from './ffmpeg.js';
import { probeMedia } from './probe.js';
import { TITLE_SAFE_MARGIN, toSrt, toVtt, type Cue } from './subtitles.js';
import { wrapText, withoutEmoji } from './text-wrap.js';
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
  /**
   * The poster: the drama's title over a picture without text (the first scene's picture when there
   * is one, else a frame of the first clip), at the episode's frame size.
   */
  poster?: { title: string; imagePath?: string };
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
    const first = clips[0] as EpisodeClip;
    await makePoster(dir, first, input.poster, signal);
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

/**
 * poster.jpg in `dir`. With a title: the picture (scaled to cover the frame), a soft shade at the
 * bottom and the title in the bold CJK font, wrapped to at most three lines inside the title-safe area
 * (see TITLE_SAFE_MARGIN). The text reaches drawtext through a file, never as filter syntax.
 */
async function makePoster(
  dir: string,
  first: EpisodeClip,
  poster: AssembleInput['poster'],
  signal: AbortSignal | undefined,
): Promise<void> {
  const at = Math.min(first.durationSec / 2, 2.5).toFixed(3);
  if (!poster) {
    // A frame from the first scene once its fade-in is over, scaled by the decoder only.
    await runFfmpeg(['-ss', at, '-i', first.videoPath, '-frames:v', '1', '-q:v', '3', 'poster.jpg'], {
      cwd: dir,
      signal,
    });
    return;
  }
  const { video } = await probeMedia(first.videoPath, signal);
  const width = video?.width ?? 1280;
  const height = video?.height ?? 720;
  const size = Math.round(Math.min(width, height) * (height > width ? 0.085 : 0.075));
  const inner = width * (1 - 2 * TITLE_SAFE_MARGIN) - size;
  const lines = wrapText(withoutEmoji(poster.title).trim() || ' ', Math.floor(inner / (size * 0.5))).slice(
    0,
    3,
  );
  await writeFile(join(dir, 'title.txt'), lines.join('\n'));
  const spacing = Math.round(size * 0.3);
  const block = lines.length * size + (lines.length - 1) * spacing;
  const bottom = Math.floor(height * (1 - TITLE_SAFE_MARGIN)) - Math.round(size * 0.4);
  const top = bottom - block;
  const source = poster.imagePath ? ['-i', poster.imagePath] : ['-ss', at, '-i', first.videoPath];
  const filters = [
    `scale=${width}:${height}:force_original_aspect_ratio=increase`,
    `crop=${width}:${height}`,
    'setsar=1',
    `drawbox=x=0:y=${Math.round(top - size * 1.2)}:w=${width}:h=${height}:color=black@0.35:t=fill`,
    `drawtext=fontfile=bold.otf:textfile=title.txt:expansion=none:fontsize=${size}:fontcolor=white` +
      `:line_spacing=${spacing}:x=(w-text_w)/2:y=${top}:shadowx=2:shadowy=2:shadowcolor=black@0.6`,
  ];
  await runFfmpeg([...source, '-vf', filters.join(','), '-frames:v', '1', '-q:v', '3', 'poster.jpg'], {
    cwd: dir,
    signal,
  });
}
