import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAbortError } from '../../../src/infrastructure/media/abort.js';
import { LocalTts } from '../../../src/infrastructure/media/local-tts.js';
import { probeMedia } from '../../../src/infrastructure/media/probe.js';
import { checkClip, measureLoudness } from '../../../src/infrastructure/media/quality-checks.js';
import { renderScene, type DialogueLine } from '../../../src/infrastructure/media/scene-renderer.js';
import { renderStoryboardCard } from '../../../src/infrastructure/media/storyboard-card.js';
import { audioLevels, parseSubtitles, tempDir } from '../../support/media.js';

const DIALOGUE: DialogueLine[] = [
  { speaker: '林晓', text: '王总，版本还没测完。', voice: 'zh-female-1' },
  { speaker: '王总', text: '今晚必须上线。', voice: 'zh-male-2' },
];

describe('renderScene', () => {
  const tts = new LocalTts();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const cards: Record<string, string> = {};

  beforeAll(async () => {
    dir = await tempDir('scene');
    for (const [w, h] of [
      [1280, 720],
      [720, 1280],
    ] as const) {
      cards[`${w}x${h}`] = (
        await renderStoryboardCard({
          width: w,
          height: h,
          title: '北京写字楼 · 夜',
          lines: ['灯火通明。'],
          seed: 5,
          outPath: join(dir.path, `card-${w}x${h}.png`),
        })
      ).path;
    }
  }, 60_000);
  afterAll(async () => {
    await tts.close();
    await dir.remove();
  });

  const cases = [
    ['text', 1280, 720],
    ['image', 1280, 720],
    ['text', 720, 1280],
    ['image', 720, 1280],
  ] as const;

  it.each(cases)(
    'renders %s mode at %i×%i as H.264/AAC of the planned length, with subtitles',
    async (mode, width, height) => {
      const durationSec = 6;
      const progress: number[] = [];
      const out = await renderScene({
        outputDir: dir.path,
        basename: `${mode}-${width}x${height}`,
        width,
        height,
        durationSec,
        mode,
        imagePath: cards[`${width}x${height}`],
        heading: '第1集 第2场 · 北京写字楼 · 夜',
        narration: '深夜的写字楼里灯火通明，林晓盯着屏幕上的报错。',
        dialogue: DIALOGUE,
        musicSeed: 7,
        mood: 'tense',
        tts,
        onProgress: (f) => progress.push(f),
      });
      const probe = await probeMedia(out.videoPath);
      expect(probe.video).toMatchObject({
        codec: 'h264',
        pixFmt: 'yuv420p',
        width,
        height,
        fps: 24,
        sar: '1:1',
      });
      expect(probe.audio).toMatchObject({ codec: 'aac', channels: 2, sampleRate: 44100 });
      expect(Math.abs(probe.durationSec - durationSec)).toBeLessThan(0.5);
      expect(out.droppedLines).toEqual([]);
      expect(progress.at(-1)).toBe(1);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);

      for (const [path, format] of [
        [out.srtPath, 'srt'],
        [out.vttPath, 'vtt'],
      ] as const) {
        const cues = parseSubtitles(await readFile(path, 'utf8'), format);
        expect(cues.length).toBeGreaterThanOrEqual(DIALOGUE.length);
        cues.forEach((cue, i) => {
          expect(cue.startSec).toBeGreaterThanOrEqual(0);
          expect(cue.endSec).toBeGreaterThan(cue.startSec);
          expect(cue.endSec).toBeLessThanOrEqual(durationSec);
          if (i > 0) expect(cue.startSec).toBeGreaterThanOrEqual(cues[i - 1]?.endSec as number);
        });
      }
      expect(await readFile(out.assPath, 'utf8')).toContain(`PlayResX: ${width}`);

      // Speech is audible over the ducked music; the picture never goes black beyond the fades.
      expect((await audioLevels(out.videoPath)).maxDb).toBeGreaterThan(-10);
      // As loud as platforms normalise to (−14 LUFS ± 1), with the true peak under −1 dBTP.
      const loudness = await measureLoudness(out.videoPath);
      expect(loudness.integratedLufs).toBeGreaterThanOrEqual(-15);
      expect(loudness.integratedLufs).toBeLessThanOrEqual(-13);
      expect(loudness.truePeakDb).toBeLessThanOrEqual(-1);
      const report = await checkClip(out.videoPath, {
        width,
        height,
        durationSec,
        maxBlackSec: 1,
        maxSilenceSec: 1,
      });
      expect(report.problems).toEqual([]);
    },
    90_000,
  );

  it('fits too much dialogue by speaking faster and dropping trailing lines, never running long', async () => {
    const long = Array.from({ length: 6 }, (_, i) => ({
      speaker: '王总',
      text: `第${i + 1}件事，今晚必须解决。`,
      voice: 'zh-male-1',
    }));
    const out = await renderScene({
      outputDir: dir.path,
      basename: 'crowded',
      width: 1280,
      height: 720,
      durationSec: 8,
      mode: 'text',
      heading: '拥挤的一场',
      dialogue: long,
      musicSeed: 1,
      tts,
    });
    expect(out.speechSpeed).toBeGreaterThan(1);
    expect(out.droppedLines.length).toBeGreaterThan(0);
    expect(out.droppedLines.at(-1)).toBe(long.length - 1);
    expect(out.cues.length).toBeGreaterThan(0);
    expect(out.cues.at(-1)?.endSec).toBeLessThanOrEqual(8);
    expect(Math.abs((await probeMedia(out.videoPath)).durationSec - 8)).toBeLessThan(0.5);
  }, 90_000);

  it('stops ffmpeg when aborted and leaves no partial files behind', async () => {
    const controller = new AbortController();
    const before = await readdir(dir.path);
    const rendering = renderScene({
      outputDir: dir.path,
      basename: 'aborted',
      width: 1280,
      height: 720,
      durationSec: 120,
      mode: 'image',
      imagePath: cards['1280x720'],
      heading: '不会完成的一场',
      dialogue: DIALOGUE,
      musicSeed: 2,
      tts,
      onProgress: (f) => {
        if (f > 0.25) controller.abort();
      },
      signal: controller.signal,
    });
    const error = await rendering.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect((await readdir(dir.path)).sort()).toEqual(before.sort());
  }, 90_000);

  it('refuses an unknown voice before doing any work', async () => {
    await expect(
      renderScene({
        outputDir: dir.path,
        basename: 'bad-voice',
        width: 1280,
        height: 720,
        durationSec: 4,
        mode: 'text',
        heading: 'x',
        dialogue: [{ speaker: 'A', text: '你好', voice: 'nobody' }],
        musicSeed: 1,
        tts,
      }),
    ).rejects.toThrow(/unknown voice "nobody"/);
  });
});
