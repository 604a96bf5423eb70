import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ImageGenerator,
  ImageRequest,
  ImageResult,
  JobContext,
  ProbeResult,
  SpeechRequest,
  SpeechResult,
  ShotSetting,
  SpeechSynthesizer,
  VideoClipRequest,
  VideoClipResult,
  VideoGenerator,
} from '../../application/ports/ai-providers.port.js';
import { FRAME_SIZE } from '../../application/ports/ai-providers.port.js';
import { throwIfAborted } from './abort.js';
import { loadFigures, renderPicture } from './art/compose.js';
import type { TimeOfDay } from './art/places.js';
import type { LocalTts } from './local-tts.js';
import { renderScene } from './scene-renderer.js';
import { encodeWav } from './wav.js';

const builtIn = async (): Promise<ProbeResult> => ({ ok: true, latency_ms: 0, detail: 'built in (ffmpeg)' });

/**
 * The offline "image model": the scene's place drawn as vector art with its characters in it (their
 * cast portraits, or drawn figures), no text. The place comes from `setting`, or else from the scene
 * heading the stage passes as the caption title ("第1集 第2场 · 后海湖边 · 夜").
 */
export class LocalImageGenerator implements ImageGenerator {
  readonly provider = 'local';
  readonly model = 'vector-scene-v1';
  readonly kind = 'local' as const;
  probe = builtIn;

  async generate(request: ImageRequest, ctx: JobContext): Promise<ImageResult> {
    throwIfAborted(ctx.signal, 'picture');
    const setting = request.setting ?? settingFromHeading(request.caption?.title ?? request.prompt);
    const figures = await loadFigures(request.characters ?? []);
    const png = await renderPicture({ setting, figures, width: request.width, height: request.height });
    const path = join(ctx.workDir, 'picture.png');
    await writeFile(path, png);
    return { path, contentType: 'image/png' };
  }
}

const TIMES: readonly [RegExp, TimeOfDay][] = [
  [/^(夜|晚上|深夜|night)$/i, 'night'],
  [/^(黄昏|傍晚|dusk|evening)$/i, 'dusk'],
  [/^(清晨|黎明|早晨|dawn|morning)$/i, 'dawn'],
  [/^(日|白天|day)$/i, 'day'],
];

/** "第1集 第2场 · 地点 · 夜" / "Episode 1 · Scene 2 · place · night" → the place and the time. */
export function settingFromHeading(heading: string): ShotSetting {
  const parts = heading.split(' · ').map((p) => p.trim());
  const last = parts.at(-1) ?? '';
  const time = parts.length > 1 ? TIMES.find(([pattern]) => pattern.test(last))?.[1] : undefined;
  const numbering = /^(第\s*\d+\s*[集场](\s*第\s*\d+\s*[集场])?|Episode \d+|Scene \d+)$/i;
  const start = parts.findIndex((p) => !numbering.test(p));
  const place = parts.slice(Math.max(0, start), time ? -1 : undefined).join(' · ') || heading;
  return { place, ...(time ? { timeOfDay: time } : {}) };
}

/** espeak-ng (WebAssembly) through the shared LocalTts. */
export class LocalSpeechSynthesizer implements SpeechSynthesizer {
  readonly provider = 'local';
  readonly model = 'espeak-ng-wasm';
  readonly kind = 'local' as const;
  probe = builtIn;

  constructor(private readonly tts: () => LocalTts) {}

  async synthesize(request: SpeechRequest, outPath: string, ctx: JobContext): Promise<SpeechResult> {
    const speech = await this.tts().speak(
      { text: request.text, voice: request.voice, speed: request.speed },
      { signal: ctx.signal },
    );
    await writeFile(outPath, encodeWav(speech.pcm));
    return { path: outPath, durationSec: speech.durationSec };
  }
}

/** The local "video model": the still image (or a dark card) with a slow pan, under a music bed. */
export class LocalVideoGenerator implements VideoGenerator {
  readonly provider = 'local';
  readonly model = 'ffmpeg-scene-v1';
  readonly kind = 'local' as const;
  readonly capabilities = {
    clipDurations: [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300],
    ratios: ['16:9', '9:16'] as const,
    textToVideo: true,
    imageToVideo: true,
  };
  probe = builtIn;

  async generateClip(request: VideoClipRequest, ctx: JobContext): Promise<VideoClipResult> {
    const out = await renderScene({
      outputDir: ctx.workDir,
      basename: `clip-${Date.now().toString(36)}`,
      ...FRAME_SIZE[request.aspectRatio],
      durationSec: request.durationSec,
      mode: request.imagePath ? 'image' : 'text',
      ...(request.imagePath ? { imagePath: request.imagePath } : {}),
      heading: request.prompt.slice(0, 60),
      dialogue: [],
      musicSeed: request.seed ?? 1,
      signal: ctx.signal,
    });
    return { path: out.videoPath, durationSec: out.durationSec };
  }
}
