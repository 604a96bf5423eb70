import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderCatalog } from '../../../src/application/ports/provider-catalog.port.js';
import { fileHash } from '../../../src/application/shared/hashing.js';
import { ReviewStage } from '../../../src/application/stages/review.stage.js';
import { StageError } from '../../../src/application/stages/stage-executor.js';
import { slot } from '../../../src/domain/drama/drama.state.js';
import type { VideoOutput } from '../../../src/domain/drama/drama.types.js';
import { WordListModeration } from '../../../src/infrastructure/ai/local/word-list.moderation.js';
import { FfmpegMediaTools } from '../../../src/infrastructure/media/ffmpeg.media-tools.js';
import { runFfmpeg } from '../../../src/infrastructure/media/ffmpeg.js';
import { LocalTts } from '../../../src/infrastructure/media/local-tts.js';
import { checkClip, measureLoudness } from '../../../src/infrastructure/media/quality-checks.js';
import { renderScene, type DialogueLine } from '../../../src/infrastructure/media/scene-renderer.js';
import { renderStoryboardCard } from '../../../src/infrastructure/media/storyboard-card.js';
import { LocalBlobStore } from '../../../src/infrastructure/media-store/local.blob-store.js';
import { MediaUrlSigner } from '../../../src/infrastructure/media-store/media-url-signer.js';
import { jobContext } from '../../support/ai.js';
import { tempDir } from '../../support/media.js';
import { DramaHarness, request } from '../../unit/drama/drama-harness.js';

const DIALOGUE: DialogueLine[] = [
  { speaker: '林晓', text: '王总，版本还没测完。', voice: 'zh-female-1' },
  { speaker: '王总', text: '今晚必须上线。', voice: 'zh-male-2' },
];
const W = 1280;
const H = 720;

/** The review's checks taken from the render must pass and fail clips exactly as decoding them does. */
describe('clip checks from the render itself', () => {
  const tts = new LocalTts();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let card: string;
  let blackStill: string;

  beforeAll(async () => {
    dir = await tempDir('render-checks');
    card = (
      await renderStoryboardCard({
        width: W,
        height: H,
        title: '北京写字楼 · 夜',
        lines: ['灯火通明。'],
        seed: 5,
        outPath: join(dir.path, 'card.png'),
      })
    ).path;
    // What a failed image provider or a broken composition leaves: a black picture.
    blackStill = join(dir.path, 'black.png');
    await runFfmpeg(['-f', 'lavfi', '-i', `color=c=black:s=${W}x${H}`, '-frames:v', '1', blackStill]);
  }, 60_000);
  afterAll(async () => {
    await tts.close();
    await dir.remove();
  });

  const render = (basename: string, mode: 'text' | 'image', imagePath?: string, durationSec = 6) =>
    renderScene({
      outputDir: dir.path,
      basename,
      width: W,
      height: H,
      durationSec,
      mode,
      imagePath,
      heading: '第1集 第2场 · 北京写字楼 · 夜',
      dialogue: DIALOGUE,
      musicSeed: 7,
      mood: 'tense',
      tts,
    });
  const expectation = { width: W, height: H, durationSec: 6, maxBlackSec: 1, maxSilenceSec: 1 };

  it.each(['text', 'image'] as const)(
    'records for a %s-mode scene what decoding measures: size, length, sound, loudness, no black, no silence',
    async (mode) => {
      const out = await render(`good-${mode}`, mode, card);
      expect(out.checks).toEqual({
        source: 'render',
        width: W,
        height: H,
        durationSec: 6,
        videoCodec: 'h264',
        pixFmt: 'yuv420p',
        audio: true,
        loudnessLufs: expect.any(Number),
        silence: [],
        black: [],
      });
      const measured = await measureLoudness(out.videoPath);
      expect(Math.abs((out.checks.loudnessLufs as number) - measured.integratedLufs)).toBeLessThan(1);
      const fromRender = await checkClip(out.videoPath, expectation, undefined, out.checks);
      const decoded = await checkClip(out.videoPath, expectation);
      expect(fromRender.problems).toEqual([]);
      expect(decoded.problems).toEqual([]);
    },
    90_000,
  );

  it('records a black picture, and the check from the render fails it as decoding does', async () => {
    const out = await render('black', 'image', blackStill);
    expect(out.checks.black).toEqual([{ startSec: 0, durationSec: 6 }]);
    const fromRender = await checkClip(out.videoPath, expectation, undefined, out.checks);
    const decoded = await checkClip(out.videoPath, expectation);
    expect(fromRender.problems).toEqual(['black picture for 6 s from 0 s (at most 1 s allowed)']);
    expect(decoded.problems).toEqual(fromRender.problems);
  }, 90_000);

  it('records silence in the mix where it is, and judges it by the same rule', async () => {
    const out = await render('good-for-silence', 'text');
    const silent = { ...out.checks, silence: [{ startSec: 2, durationSec: 3 }] };
    expect((await checkClip(out.videoPath, expectation, undefined, silent)).problems).toEqual([
      'silent for 3 s from 2 s (at most 1 s allowed)',
    ]);
  }, 90_000);

  describe('the review stage', () => {
    const media = new FfmpegMediaTools();
    let blobs: LocalBlobStore;
    const providers = { moderation: () => [new WordListModeration()] } as unknown as ProviderCatalog;

    beforeAll(async () => {
      blobs = await LocalBlobStore.open(await mkdtemp(join(tmpdir(), 'k3s-review-blobs-')), {
        signer: new MediaUrlSigner('x'.repeat(32)),
        baseUrl: '',
        defaultExpiresInSec: 60,
      });
    });
    afterAll(async () => {
      await media.close();
    });

    /** A one-scene drama waiting for its video; `sceneSec` is the planned length of the scene. */
    const drama = () => {
      const h = new DramaHarness(request({ episodes: 1, scenesPerEpisode: 1, episodeDurationSec: 10 }));
      h.completeAll(4); // script, cast, storyboard, images
      h.settle();
      const video = h.openJobs().find((j) => j.stage === 'video')!;
      const ref = h.state.outputs[slot('script', 'drama')]!.output as { scenes: { durationSec: number }[] };
      return { h, video, sceneSec: ref.scenes[0]!.durationSec };
    };
    const { sceneSec } = drama();
    /** Runs the review of that scene on `stored` (the clip in the store) and the video result `output`. */
    const reviewOf = async (stored: string, output: (key: string) => VideoOutput) => {
      const { h, video } = drama();
      const key = `dramas/d-1/scenes/${video.target}/clip.mp4`;
      await blobs.putFile(key, stored, 'video/mp4');
      h.complete(video, output(key));
      h.settle();
      const job = h.openJobs().find((j) => j.stage === 'review')!;
      const ctx = await jobContext();
      return new ReviewStage(providers, media, blobs).run({ drama: h.state, job, ctx });
    };
    const videoOutput = (key: string, hash: string, checks?: VideoOutput['checks']): VideoOutput => ({
      stage: 'video',
      key,
      srtKey: 'x.srt',
      vttKey: 'x.vtt',
      durationSec: sceneSec,
      hash,
      ...(checks ? { checks } : {}),
    });
    const scene = (basename: string, picture: () => string) => render(basename, 'image', picture(), sceneSec);

    it('passes a good clip on the render facts without decoding it, and says so', async () => {
      const out = await scene('review-good', () => card);
      const hash = await fileHash(out.videoPath);
      const result = await reviewOf(out.videoPath, (key) => videoOutput(key, hash, out.checks));
      expect(result.output).toMatchObject({ stage: 'review' });
      expect((result.output as { checks: string[] }).checks.join(' ')).toMatch(/from the render/);
    }, 90_000);

    it('fails a black clip from its render facts as a quality problem (the planner re-renders it)', async () => {
      const out = await scene('review-black', () => blackStill);
      const hash = await fileHash(out.videoPath);
      const failure = await reviewOf(out.videoPath, (key) => videoOutput(key, hash, out.checks)).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(StageError);
      expect((failure as StageError).errorClass).toBe('permanent');
      expect((failure as StageError).message).toMatch(/black picture for \d+ s from 0 s/);
    }, 90_000);

    it('decodes when the stored clip is not the one the facts describe, and still catches the black clip', async () => {
      const good = await scene('review-facts', () => card);
      const black = await scene('review-swapped', () => blackStill);
      // The facts (and hash) of the good render, but the black file in the store.
      const hash = await fileHash(good.videoPath);
      const swapped = await reviewOf(black.videoPath, (key) => videoOutput(key, hash, good.checks)).catch(
        (e: unknown) => e,
      );
      expect(swapped).toBeInstanceOf(StageError);
      expect((swapped as StageError).message).toMatch(/black picture/);
    }, 90_000);

    it('decodes a clip recorded before render facts existed', async () => {
      const black = await scene('review-old', () => blackStill);
      const failure = await reviewOf(black.videoPath, (key) => videoOutput(key, 'old-hash')).catch(
        (e: unknown) => e,
      );
      expect((failure as StageError).message).toMatch(/black picture for \d+ s from 0 s/);
    }, 90_000);
  });
});
