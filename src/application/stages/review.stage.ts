import { join } from 'node:path';
import type { ReviewOutput } from '../../domain/drama/drama.types.js';
import { frameSize } from '../ports/ai-providers.port.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { MediaTools } from '../ports/media-tools.port.js';
import type { ProviderCatalog } from '../ports/provider-catalog.port.js';
import { contentHash, fileHash } from '../shared/hashing.js';
import { type StageExecutor, StageError, type StageInput, type StageResult } from './stage-executor.js';
import { requireOutput, sceneContext } from './stage-inputs.js';

/**
 * Content and quality review of one scene: every moderation provider over the scene's words, then
 * checks of the rendered clip: from the facts its render recorded when the stored file is the one it
 * made (no second decode), else by decoding it. Content problems fail as `moderation`; technical ones as
 * `permanent`, which makes the planner re-render the scene once.
 */
export class ReviewStage implements StageExecutor {
  constructor(
    private readonly providers: ProviderCatalog,
    private readonly media: MediaTools,
    private readonly blobs: BlobStore,
  ) {}

  async run({ drama, job, ctx }: StageInput): Promise<StageResult> {
    const { scene, ref } = sceneContext(drama, job.target);
    const video = requireOutput(drama, 'video', job.target);
    const texts = [scene.title, scene.description, ...scene.dialogue.map((d) => d.line), ...scene.actions];
    const checks: string[] = [];
    const models: string[] = [];
    for (const moderator of this.providers.moderation()) {
      const verdict = await moderator.reviewText(texts, ctx);
      if (!verdict.ok)
        throw new StageError('moderation', `${moderator.provider}: ${verdict.reasons.join('; ')}`);
      checks.push(`${moderator.provider}: text ok`);
      models.push(moderator.model);
    }
    ctx.reportProgress(0.3, 'checking the clip');
    const clipPath = join(ctx.workDir, 'clip.mp4');
    await this.blobs.download(video.key, clipPath);
    // The render's facts describe the file it hashed; a stored file that is not that one proves nothing.
    const facts = video.checks && (await fileHash(clipPath)) === video.hash ? video.checks : undefined;
    const check = await this.media.checkClip(
      clipPath,
      {
        ...frameSize(drama.request.aspectRatio, drama.request.resolution),
        durationSec: ref.durationSec,
        toleranceSec: 0.5,
        requireAudio: true,
        maxBlackSec: 3,
        maxSilenceSec: 6,
      },
      ctx.signal,
      facts,
    );
    if (!check.ok) throw new StageError('permanent', `clip check failed: ${check.problems.join('; ')}`);
    checks.push(
      facts
        ? `clip: resolution, duration, audio ok; black and silent stretches ok (${facts.black ? 'from the render' : 'black decoded, silence from the render'})${facts.loudnessLufs === null ? '' : `; loudness ${facts.loudnessLufs.toFixed(1)} LUFS`}`
        : 'clip: resolution, duration, audio, black and silent stretches ok',
    );
    const visual = this.providers.moderation().filter((m) => m.kind !== 'local');
    if (visual.length > 0) {
      ctx.reportProgress(0.6, 'reviewing frames');
      const frames = await this.media.extractFrames(clipPath, 3, ctx.workDir, ctx.signal);
      for (const moderator of visual) {
        const verdict = await moderator.reviewImages(frames, ctx);
        if (!verdict.ok)
          throw new StageError('moderation', `${moderator.provider}: ${verdict.reasons.join('; ')}`);
        checks.push(`${moderator.provider}: frames ok`);
      }
    }
    const output: ReviewOutput = {
      stage: 'review',
      checks,
      hash: contentHash({ video: video.hash, checks }),
    };
    return { output, provider: 'local', model: ['ffmpeg-checks', ...models].join('+') };
  }
}
