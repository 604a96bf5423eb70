import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assembleEpisode } from '../../../src/infrastructure/media/episode-assembler.js';
import { LocalImageGenerator } from '../../../src/infrastructure/media/local-providers.js';
import { LocalTts } from '../../../src/infrastructure/media/local-tts.js';
import { mediaBinaries } from '../../../src/infrastructure/media/media-binaries.js';
import { probeMedia } from '../../../src/infrastructure/media/probe.js';
import { measureLoudness } from '../../../src/infrastructure/media/quality-checks.js';
import { renderScene, type SceneOutput } from '../../../src/infrastructure/media/scene-renderer.js';
import { MIN_SUBTITLE_HEIGHT_SHARE } from '../../../src/infrastructure/media/subtitles.js';
import { parseSubtitles, tempDir } from '../../support/media.js';

/**
 * The media gate of issue 12 (item 6), on rendered output in both aspects, through the offline path a
 * drama takes (the local image provider's picture, then the scene renderer with the characters).
 *
 * Title-safe: EBU R 95 / SMPTE RP 2046-1 "title safe", the central 90 % of width and height (5 % from
 * each edge). A "text pixel" is one whose colour only burned-in text has: near-white (every channel
 * ≥ 235: glyph fill of subtitles, heading, caption, and of the old storyboard cards) or the subtitle's
 * speaker gold. The art keeps out of both colours (svg-kit.ts `safeColour`; checked below), so these
 * pixels are text and nothing else. Frames are sampled every 1/3 s.
 */
const SAFE = 0.05;
const SAMPLE_FPS = 3;
const execBuffer = promisify(execFile);

const isTextPixel = (r: number, g: number, b: number) => {
  if (r < 225) return false; // both colours are red-heavy: most pixels stop here
  if (g >= 235 && b >= 235) return true;
  const dg = g - 216;
  const db = b - 96;
  return (r - 255) ** 2 + dg * dg + db * db < 900;
};

interface FrameScan {
  frames: number;
  textPixels: number;
  outside: number;
  /** Worst offender: the frame's time and the text bounding box. */
  worst?: { atSec: number; box: [number, number, number, number]; outside: number };
}

async function decodeFrames(path: string, width: number, height: number, fps?: number): Promise<Buffer> {
  const { stdout } = await execBuffer(
    mediaBinaries().ffmpeg,
    [
      '-v',
      'error',
      '-i',
      path,
      ...(fps ? ['-vf', `fps=${fps}`] : []),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: 1 << 30 },
  );
  expect(stdout.length % (width * height * 3)).toBe(0);
  return stdout;
}

function scan(raw: Buffer, width: number, height: number): FrameScan {
  const size = width * height * 3;
  const x0 = Math.floor(width * SAFE);
  const x1 = Math.ceil(width * (1 - SAFE));
  const y0 = Math.floor(height * SAFE);
  const y1 = Math.ceil(height * (1 - SAFE));
  const result: FrameScan = { frames: raw.length / size, textPixels: 0, outside: 0 };
  for (let f = 0; f < result.frames; f++) {
    let outside = 0;
    const box: [number, number, number, number] = [width, height, -1, -1];
    for (let y = 0; y < height; y++) {
      let o = f * size + y * width * 3;
      for (let x = 0; x < width; x++, o += 3) {
        if (!isTextPixel(raw[o] as number, raw[o + 1] as number, raw[o + 2] as number)) continue;
        result.textPixels++;
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
        if (x < x0 || x >= x1 || y < y0 || y >= y1) outside++;
      }
    }
    result.outside += outside;
    if (outside > (result.worst?.outside ?? 0)) result.worst = { atSec: f / SAMPLE_FPS, box, outside };
  }
  return result;
}

const CHARACTERS = [
  { name: '欧阳纳兰·星辰·无忌', description: '黑框眼镜、格子衬衫' },
  { name: 'Dana', description: 'paramedic in a dark blue uniform' },
  { name: '王总', description: '剪裁考究的西装' },
];
const DIALOGUE = [
  {
    speaker: '欧阳纳兰·星辰·无忌',
    text: '这本诗集我找了整整三年，从北京找到上海，又从上海找回北京，今天终于在你的书店里看见它了。',
    voice: 'zh-female-1',
  },
  {
    speaker: 'Dana',
    text: 'The train was late again, so I walked the whole platform twice before I found the right carriage.',
    voice: 'en-female-1',
  },
  { speaker: '王总', text: '门铃响了，你去开门。', voice: 'zh-male-2' },
];

describe('frame gate: text stays title-safe, subtitles are large, pixels square, every line is there', () => {
  const tts = new LocalTts();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const scenes: Record<
    '16:9' | '9:16',
    { out: SceneOutput; width: number; height: number; posterPath: string }
  > = {} as never;

  beforeAll(async () => {
    dir = await tempDir('frame-gate');
    const images = new LocalImageGenerator();
    for (const [aspect, width, height] of [
      ['16:9', 1280, 720],
      ['9:16', 720, 1280],
    ] as const) {
      const setting = {
        place: '独立书店 · 国贸写字楼 23 层旁边的一条很长的小巷',
        timeOfDay: 'night' as const,
      };
      const heading = `第1集 第1场 · ${setting.place} · 夜 · 一个很长很长的场景标题，看看它会不会出画`;
      const ctx = { workDir: dir.path, signal: new AbortController().signal } as never;
      const image = await images.generate(
        {
          prompt: heading,
          width,
          height,
          seed: 1,
          caption: {
            title: heading,
            lines: ['A long description of the scene that used to be printed on the card.'],
          },
          setting,
          characters: CHARACTERS,
        },
        ctx,
      );
      const out = await renderScene({
        outputDir: dir.path,
        basename: `gate-${width}x${height}`,
        width,
        height,
        durationSec: 14,
        fitToSpeechMaxSec: 40,
        mode: 'image',
        imagePath: image.path,
        picture: { setting, characters: CHARACTERS },
        heading,
        narration:
          'Narration that sits in the caption box under the heading, long enough to wrap onto more lines.',
        dialogue: DIALOGUE,
        musicSeed: 3,
        tts,
      });
      const posterPath = join(dir.path, `poster-${width}x${height}.jpg`);
      await assembleEpisode({
        clips: [{ videoPath: out.videoPath, durationSec: out.durationSec, cues: out.cues }],
        outputPath: join(dir.path, `episode-${width}x${height}.mp4`),
        srtPath: join(dir.path, `episode-${width}x${height}.srt`),
        vttPath: join(dir.path, `episode-${width}x${height}.vtt`),
        posterPath,
        poster: {
          title: '欧阳纳兰·星辰·无忌和她找了三年的那本诗集 The Poetry Book 📚',
          imagePath: image.path,
        },
      });
      scenes[aspect] = { out, width, height, posterPath };
    }
  }, 110_000);

  afterAll(async () => {
    await tts.close();
    await dir?.remove();
  });

  for (const aspect of ['16:9', '9:16'] as const) {
    it(`${aspect}: no text pixel outside the title-safe area in any frame sampled every 1/3 s`, async () => {
      const { out, width, height } = scenes[aspect];
      const result = scan(await decodeFrames(out.videoPath, width, height, SAMPLE_FPS), width, height);
      console.info(`frame gate ${aspect}: ${JSON.stringify(result)}`);
      expect(result.frames).toBeGreaterThanOrEqual(Math.floor(out.durationSec * SAMPLE_FPS));
      // The detector sees the heading and the subtitles at all (else the gate would prove nothing).
      expect(result.textPixels).toBeGreaterThan(result.frames * 200);
      expect(result.worst).toBeUndefined();
      expect(result.outside).toBe(0);
    });

    it(`${aspect}: the poster shows the drama title inside the title-safe area and no subtitle`, async () => {
      const { width, height, posterPath } = scenes[aspect];
      const result = scan(await decodeFrames(posterPath, width, height), width, height);
      console.info(`poster gate ${aspect}: ${JSON.stringify(result)}`);
      expect(result.frames).toBe(1);
      expect(result.textPixels).toBeGreaterThan(500);
      expect(result.outside).toBe(0);
      // The title sits in the lower part; the subtitle band of the scene (and its gold names) is absent.
      const raw = await decodeFrames(posterPath, width, height);
      let gold = 0;
      for (let o = 0; o < raw.length; o += 3) {
        if (
          Math.hypot((raw[o] as number) - 255, (raw[o + 1] as number) - 216, (raw[o + 2] as number) - 96) < 30
        )
          gold++;
      }
      expect(gold).toBe(0);
    });

    it(`${aspect}: subtitles ≥ 4.5 % of the frame height, square pixels, every line in the SRT, −14 LUFS`, async () => {
      const { out, width, height } = scenes[aspect];
      const ass = await readFile(out.assPath, 'utf8');
      const size = Number(/^Style: Dialogue,[^,]*,(\d+),/m.exec(ass)?.[1]);
      expect(size / height).toBeGreaterThanOrEqual(MIN_SUBTITLE_HEIGHT_SHARE);
      const probe = await probeMedia(out.videoPath);
      expect(probe.video).toMatchObject({ width, height, sar: '1:1' });
      // Cues split long lines and name their speaker: the spoken words, cue after cue, hold every line.
      const spoken = parseSubtitles(await readFile(out.srtPath, 'utf8'), 'srt')
        .map((cue) => cue.text.replace(/^[^：\n]+：/, ''))
        .join('')
        .replace(/\s+/g, '');
      for (const line of DIALOGUE) expect(spoken).toContain(line.text.replace(/\s+/g, ''));
      expect(out.droppedLines).toEqual([]);
      const loudness = await measureLoudness(out.videoPath);
      expect(loudness.integratedLufs).toBeGreaterThan(-15.5);
      expect(loudness.integratedLufs).toBeLessThan(-12.5);
      expect(loudness.truePeakDb).toBeLessThanOrEqual(-1);
    });
  }
});
