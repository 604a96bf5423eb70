import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accessSync, constants } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAbortError } from '../../../src/infrastructure/media/abort.js';
import { bareEncode } from '../../../src/infrastructure/media/bare-encode.js';
import { runFfmpeg } from '../../../src/infrastructure/media/ffmpeg.js';
import { mediaBinaries } from '../../../src/infrastructure/media/media-binaries.js';
import { CJK_FONT_FAMILY, cjkFonts } from '../../../src/infrastructure/media/fonts.js';
import { renderMusicBed } from '../../../src/infrastructure/media/music.js';
import { probeMedia } from '../../../src/infrastructure/media/probe.js';
import { renderStoryboardCard } from '../../../src/infrastructure/media/storyboard-card.js';
import { audioLevels, tempDir } from '../../support/media.js';

describe('ffmpeg runner', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('ffmpeg');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('finds executable ffmpeg and ffprobe binaries', () => {
    const { ffmpeg, ffprobe } = mediaBinaries();
    expect(() => accessSync(ffmpeg, constants.X_OK)).not.toThrow();
    expect(() => accessSync(ffprobe, constants.X_OK)).not.toThrow();
  });

  it('reports progress as a fraction up to 1', async () => {
    const fractions: number[] = [];
    await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=s=320x240:d=3', '-f', 'null', '-'], {
      totalSec: 3,
      onProgress: (f) => fractions.push(f),
    });
    expect(fractions.at(-1)).toBe(1);
    for (const f of fractions) expect(f).toBeGreaterThanOrEqual(0);
  });

  it('fails with ffmpeg’s own last words, so a person can act on them', async () => {
    const error = await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=d=1',
      '-vf',
      'no_such_filter_3k',
      join(dir.path, 'x.mp4'),
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^ffmpeg exited with code \d+ while writing .*x\.mp4\n/);
    expect(message).toMatch(/No such filter: 'no_such_filter_3k'/);
    expect(message.split('\n').length).toBeLessThanOrEqual(16);
  });

  it('kills ffmpeg on abort and rejects with an AbortError', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc=d=60', '-f', 'null', '-'], {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    const error = await running.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('makes a bare encode with the scene encoder settings', async () => {
    const { path } = await bareEncode({
      durationSec: 3,
      width: 1280,
      height: 720,
      outPath: join(dir.path, 'bare.mp4'),
    });
    const probe = await probeMedia(path);
    expect(probe.video).toMatchObject({
      codec: 'h264',
      width: 1280,
      height: 720,
      fps: 24,
      pixFmt: 'yuv420p',
    });
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 44100, channels: 2 });
    expect(Math.abs(probe.durationSec - 3)).toBeLessThan(0.1);
  });
});

describe('fonts', () => {
  it('resolves the Simplified Chinese font files and family name', async () => {
    const fonts = cjkFonts();
    expect(fonts.family).toBe(CJK_FONT_FAMILY);
    expect((await readFile(fonts.regular)).subarray(0, 4).toString()).toBe('OTTO');
    expect(await readdir(fonts.assDir)).toEqual(['NotoSansHans-Regular.otf']);
  });
});

describe('storyboard card and music bed', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('card');
  });
  afterAll(async () => {
    await dir.remove();
  });

  it.each([
    [1280, 720],
    [720, 1280],
  ])(
    'renders a %i×%i PNG card with Chinese text',
    async (width, height) => {
      const outPath = join(dir.path, `card-${width}.png`);
      await renderStoryboardCard({
        width,
        height,
        title: '第1集 第2场 · 北京写字楼 · 夜',
        lines: ['深夜的写字楼里灯火通明。', 'Text with {braces}, 100% and: colons'],
        seed: 9,
        outPath,
      });
      const bytes = await readFile(outPath);
      expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect((await probeMedia(outPath)).video).toMatchObject({ width, height });
      expect(await readdir(dir.path)).not.toContainEqual(expect.stringMatching(/work/));
    },
    30_000,
  );

  it('renders an audible, deterministic music bed that differs per seed', async () => {
    const paths = ['a', 'b', 'c'].map((n) => join(dir.path, `${n}.wav`));
    await renderMusicBed({ durationSec: 4, seed: 1, mood: 'warm', outPath: paths[0] as string });
    await renderMusicBed({ durationSec: 4, seed: 1, mood: 'warm', outPath: paths[1] as string });
    await renderMusicBed({ durationSec: 4, seed: 2, mood: 'warm', outPath: paths[2] as string });
    const [a, b, c] = await Promise.all(paths.map((p) => readFile(p)));
    expect(a?.equals(b as Buffer)).toBe(true);
    expect(a?.equals(c as Buffer)).toBe(false);
    const probe = await probeMedia(paths[0] as string);
    expect(probe.audio).toMatchObject({ sampleRate: 44100, channels: 2 });
    expect(Math.abs(probe.durationSec - 4)).toBeLessThan(0.01);
    expect((await audioLevels(paths[0] as string)).meanDb).toBeGreaterThan(-30);
  });

  it('does not start work that is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await renderMusicBed({
      durationSec: 1,
      seed: 1,
      outPath: join(dir.path, 'x.wav'),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
  });
});
