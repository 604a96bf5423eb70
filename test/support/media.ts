import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '../../src/infrastructure/media/ffmpeg.js';

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `3kstory-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Peak and mean level of a file's audio, in dBFS, from ffmpeg's volumedetect. */
export async function audioLevels(path: string): Promise<{ meanDb: number; maxDb: number }> {
  const { stderr } = await runFfmpeg(['-i', path, '-vn', '-af', 'volumedetect', '-f', 'null', '-'], {
    logLevel: 'info',
  });
  const read = (name: string) =>
    Number(new RegExp(`${name}:\\s*(-?[\\d.]+|-inf) dB`).exec(stderr)?.[1] ?? '-inf');
  return { meanDb: read('mean_volume'), maxDb: read('max_volume') };
}

export interface ParsedCue {
  startSec: number;
  endSec: number;
  text: string;
}

const seconds = (stamp: string) => {
  const match = /^(\d+):(\d{2}):(\d{2})[,.](\d{3})$/.exec(stamp.trim());
  if (!match) throw new Error(`bad timestamp "${stamp}"`);
  const [, h, m, s, ms] = match.map(Number) as number[];
  return (h as number) * 3600 + (m as number) * 60 + (s as number) + (ms as number) / 1000;
};

/** Strict enough to fail on a malformed file: numbered SRT blocks or WebVTT cues with `-->` timings. */
export function parseSubtitles(text: string, format: 'srt' | 'vtt'): ParsedCue[] {
  const body = format === 'vtt' ? text.replace(/^WEBVTT[^\n]*\n/, '') : text;
  if (format === 'vtt' && !text.startsWith('WEBVTT')) throw new Error('missing WEBVTT header');
  return body
    .trim()
    .split(/\n\s*\n/)
    .filter((block) => block.trim() !== '')
    .map((block, i) => {
      const lines = block.split('\n');
      if (format === 'srt' && lines.shift()?.trim() !== String(i + 1))
        throw new Error(`SRT block ${i + 1} is not numbered ${i + 1}`);
      const timing = lines.shift() ?? '';
      const [start, end] = timing.split('-->');
      if (!start || !end) throw new Error(`no timing line in block ${i + 1}: "${timing}"`);
      return { startSec: seconds(start), endSec: seconds(end), text: lines.join('\n') };
    });
}
