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
  SpeechSynthesizer,
  VideoClipRequest,
  VideoClipResult,
  VideoGenerator,
} from '../../application/ports/ai-providers.port.js';
import { FRAME_SIZE } from '../../application/ports/ai-providers.port.js';
import type { LocalTts } from './local-tts.js';
import { renderScene } from './scene-renderer.js';
import { renderStoryboardCard } from './storyboard-card.js';
import { encodeWav } from './wav.js';

const builtIn = async (): Promise<ProbeResult> => ({ ok: true, latency_ms: 0, detail: 'built in (ffmpeg)' });

/** Storyboard cards: a seeded gradient with the scene's heading and description, in the CJK font. */
export class LocalImageGenerator implements ImageGenerator {
  readonly provider = 'local';
  readonly model = 'storyboard-card-v1';
  readonly kind = 'local' as const;
  probe = builtIn;

  async generate(request: ImageRequest, ctx: JobContext): Promise<ImageResult> {
    const { path } = await renderStoryboardCard({
      width: request.width,
      height: request.height,
      title: request.caption?.title ?? request.prompt.slice(0, 60),
      lines: request.caption?.lines ?? [request.prompt],
      seed: request.seed,
      outPath: join(ctx.workDir, 'card.png'),
      signal: ctx.signal,
    });
    return { path, contentType: 'image/png' };
  }
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
