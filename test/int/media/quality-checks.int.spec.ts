import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { bareEncode } from '../../../src/infrastructure/media/bare-encode.js';
import { runFfmpeg } from '../../../src/infrastructure/media/ffmpeg.js';
import { checkClip } from '../../../src/infrastructure/media/quality-checks.js';
import { tempDir } from '../../support/media.js';

describe('checkClip', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let good: string;

  beforeAll(async () => {
    dir = await tempDir('qc');
    good = (
      await bareEncode({ durationSec: 5, width: 640, height: 360, outPath: join(dir.path, 'good.mp4') })
    ).path;
  }, 60_000);
  afterAll(async () => {
    await dir.remove();
  });

  it('passes a clip that matches the plan', async () => {
    const report = await checkClip(good, {
      width: 640,
      height: 360,
      durationSec: 5,
      maxBlackSec: 1,
      maxSilenceSec: 1,
    });
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.probe?.video?.codec).toBe('h264');
  }, 30_000);

  it('reports a wrong duration and a wrong size in words', async () => {
    const report = await checkClip(good, { width: 1280, height: 720, durationSec: 8 });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      'frame size 640×360, planned 1280×720',
      'duration 5 s, planned 8 s ± 0.5',
    ]);
  }, 30_000);

  it('reports silence and black picture with where they are', async () => {
    const path = join(dir.path, 'silent-black.mp4');
    await runFfmpeg([
      ...['-f', 'lavfi', '-i', 'color=c=black:s=640x360:r=24:d=4'],
      ...['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo'],
      ...['-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path],
    ]);
    const report = await checkClip(path, {
      width: 640,
      height: 360,
      durationSec: 4,
      maxBlackSec: 1,
      maxSilenceSec: 1,
    });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      'black picture for 4 s from 0 s (at most 1 s allowed)',
      'silent for 4 s from 0 s (at most 1 s allowed)',
    ]);
  }, 30_000);

  it('reports a clip without audio, and a file that is not media', async () => {
    const path = join(dir.path, 'mute.mp4');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'color=s=320x240:d=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      path,
    ]);
    expect((await checkClip(path, { width: 320, height: 240, durationSec: 1 })).problems).toEqual([
      'has no audio stream',
    ]);
    const broken = await checkClip(join(dir.path, 'missing.mp4'), {
      width: 320,
      height: 240,
      durationSec: 1,
    });
    expect(broken.ok).toBe(false);
    expect(broken.problems[0]).toMatch(/^cannot be read as media: ffprobe could not read .*missing\.mp4/);
  }, 30_000);
});
