import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assembleEpisode } from '../../../src/infrastructure/media/episode-assembler.js';
import { LocalTts } from '../../../src/infrastructure/media/local-tts.js';
import { probeMedia } from '../../../src/infrastructure/media/probe.js';
import { detectStretches, measureLoudness } from '../../../src/infrastructure/media/quality-checks.js';
import { renderScene, type SceneOutput } from '../../../src/infrastructure/media/scene-renderer.js';
import { parseSubtitles, tempDir } from '../../support/media.js';

describe('assembleEpisode', () => {
  const tts = new LocalTts();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const clips: SceneOutput[] = [];

  beforeAll(async () => {
    dir = await tempDir('episode');
    const lines = [
      ['林晓', '第一场，开始。', 'zh-female-1'],
      ['王总', 'Scene two begins.', 'en-male-1'],
      ['老张', '第三场，结束了。', 'zh-elder'],
    ] as const;
    for (const [i, [speaker, text, voice]] of lines.entries()) {
      clips.push(
        await renderScene({
          outputDir: dir.path,
          basename: `scene-${i + 1}`,
          width: 720,
          height: 1280,
          durationSec: 4 + i,
          mode: 'text',
          heading: `第1集 第${i + 1}场`,
          dialogue: [{ speaker, text, voice }],
          musicSeed: i,
          tts,
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await tts.close();
    await dir.remove();
  });

  it('joins clips by stream copy into one episode of the summed length, with poster and merged subtitles', async () => {
    const paths = {
      outputPath: join(dir.path, 'episode.mp4'),
      srtPath: join(dir.path, 'episode.srt'),
      vttPath: join(dir.path, 'episode.vtt'),
      posterPath: join(dir.path, 'episode.jpg'),
    };
    const { durationSec } = await assembleEpisode({ clips, ...paths });
    expect(Math.abs(durationSec - 15)).toBeLessThan(0.1);

    const probe = await probeMedia(paths.outputPath);
    expect(probe.video).toMatchObject({ codec: 'h264', width: 720, height: 1280, fps: 24, sar: '1:1' });
    // Scenes in Chinese and English, each normalised: the episode is at −14 LUFS, true peak ≤ −1 dBTP.
    const loudness = await measureLoudness(paths.outputPath);
    expect(loudness.integratedLufs).toBeGreaterThanOrEqual(-15);
    expect(loudness.integratedLufs).toBeLessThanOrEqual(-13);
    expect(loudness.truePeakDb).toBeLessThanOrEqual(-1);
    expect(probe.audio).toMatchObject({ codec: 'aac', channels: 2 });
    // Audio runs to the end: no stream was cut short at a clip boundary.
    const { silence } = await detectStretches(paths.outputPath, { silenceMinSec: 1.5, durationSec });
    expect(silence).toEqual([]);

    const poster = await readFile(paths.posterPath);
    expect(poster.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect((await probeMedia(paths.posterPath)).video).toMatchObject({ width: 720, height: 1280 });

    for (const format of ['srt', 'vtt'] as const) {
      const cues = parseSubtitles(
        await readFile(format === 'srt' ? paths.srtPath : paths.vttPath, 'utf8'),
        format,
      );
      expect(cues).toHaveLength(3);
      const offsets = [0, 4, 9];
      cues.forEach((cue, i) => {
        const original = clips[i]?.cues[0];
        expect(cue.startSec).toBeCloseTo((original?.startSec as number) + (offsets[i] as number), 2);
        expect(cue.endSec).toBeLessThanOrEqual((offsets[i] as number) + 4 + i);
      });
    }
  }, 60_000);

  it('refuses an empty episode', async () => {
    await expect(
      assembleEpisode({
        clips: [],
        outputPath: 'x.mp4',
        srtPath: 'x.srt',
        vttPath: 'x.vtt',
        posterPath: 'x.jpg',
      }),
    ).rejects.toThrow(/no clips/);
  });
});
