import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from './abort.js';
import { runFfmpeg } from './ffmpeg.js';
import { gradientBmp } from './gradient.js';
import { wrapText } from './text-wrap.js';
import { publish, withWorkDir } from './work-dir.js';

export interface StoryboardCardInput {
  width: number;
  height: number;
  title: string;
  lines: readonly string[];
  seed: number;
  outPath: string;
  signal?: AbortSignal;
}

/**
 * The offline "image provider": a PNG with a seeded gradient, the scene title and its description in
 * the CJK font. Text reaches drawtext through files (`textfile`, `expansion=none`), so no user text is
 * ever parsed as filter syntax or %{…} expansions.
 */
export async function renderStoryboardCard(input: StoryboardCardInput): Promise<{ path: string }> {
  const { width, height, outPath, signal } = input;
  throwIfAborted(signal, 'storyboard card');
  const short = Math.min(width, height);
  const margin = Math.round(short * 0.08);
  const titleSize = Math.round(short * 0.07);
  const bodySize = Math.round(short * 0.042);
  const titleLines = wrapText(input.title, (width - 2 * margin) / (titleSize * 0.5)).slice(0, 3);
  const titleHeight = titleLines.length * titleSize * 1.35;
  const lineHeight = bodySize * 1.6;
  // The text block sits at the vertical centre but never in the top quarter, which the scene renderer
  // keeps for its heading and caption boxes when the card becomes the picture of an image-mode scene.
  const gap = titleSize * 0.9;
  const wrapped = input.lines.flatMap((line) => wrapText(line, (width - 2 * margin) / (bodySize * 0.5)));
  const available = height - Math.round(height * 0.25) - margin - titleHeight - gap;
  const maxBodyLines = Math.max(1, Math.floor(available / lineHeight));
  const body =
    wrapped.length > maxBodyLines
      ? [...wrapped.slice(0, maxBodyLines - 1), `${wrapped[maxBodyLines - 1]}…`]
      : wrapped;
  const blockHeight = titleHeight + (body.length > 0 ? gap + body.length * lineHeight : 0);
  const top = Math.max(Math.round(height * 0.25), Math.round((height - blockHeight) / 2));
  const bodyTop = top + titleHeight + gap;
  await withWorkDir(outPath, async (dir) => {
    // Drawn at quarter size and scaled up once by ffmpeg: a smooth gradient loses nothing.
    const small = { width: Math.ceil(width / 4), height: Math.ceil(height / 4) };
    await writeFile(join(dir, 'bg.bmp'), gradientBmp({ ...small, seed: input.seed, tone: 'card' }));
    await writeFile(join(dir, 'title.txt'), titleLines.join('\n'));
    await writeFile(join(dir, 'body.txt'), body.join('\n'));
    const text = (file: string, font: string, size: number, y: number, spacing: number) =>
      `drawtext=fontfile=${font}:textfile=${file}:expansion=none:fontsize=${size}:fontcolor=white` +
      `:line_spacing=${Math.round(spacing)}:x=${margin}:y=${Math.round(y)}:shadowx=2:shadowy=2:shadowcolor=black@0.45`;
    const accentY = Math.round(top + titleHeight + titleSize * 0.25);
    const filters = [
      `scale=${width}:${height}:flags=bicubic`,
      text('title.txt', 'bold.otf', titleSize, top, titleSize * 0.35),
      `drawbox=x=${margin}:y=${accentY}:w=${Math.round(short * 0.12)}:h=${Math.max(3, Math.round(short * 0.008))}:color=white@0.85:t=fill`,
      ...(body.length > 0 ? [text('body.txt', 'regular.otf', bodySize, bodyTop, lineHeight - bodySize)] : []),
    ];
    const args = ['-i', 'bg.bmp'];
    args.push('-vf', filters.join(','), '-frames:v', '1', 'card.png');
    await runFfmpeg(args, { cwd: dir, signal });
    await publish([[join(dir, 'card.png'), outPath]]);
  });
  return { path: outPath };
}
