import { join } from 'node:path';
import type { ImageOutput } from '../../domain/drama/drama.types.js';
import { FRAME_SIZE } from '../ports/ai-providers.port.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { MediaTools } from '../ports/media-tools.port.js';
import type { ProviderCatalog } from '../ports/provider-catalog.port.js';
import { fileHash } from '../shared/hashing.js';
import { type StageExecutor, StageError, type StageInput, type StageResult } from './stage-executor.js';
import { requireOutput, sceneContext, sceneHeading, seedOf, short } from './stage-inputs.js';

/** One storyboard image per scene: a rendered card locally, or a text-to-image model. */
export class ImagesStage implements StageExecutor {
  constructor(
    private readonly providers: ProviderCatalog,
    private readonly media: MediaTools,
    private readonly blobs: BlobStore,
  ) {}

  async run({ drama, job, ctx }: StageInput): Promise<StageResult> {
    const context = sceneContext(drama, job.target);
    const { scene } = context;
    const shots = requireOutput(drama, 'storyboard', 'drama').shots[job.target] ?? [];
    const seed = seedOf(`${job.target}:${drama.revisions[job.target] ?? 0}`);
    const aspect = drama.request.aspectRatio;
    let path: string;
    let contentType: ImageOutput['contentType'] = 'image/png';
    let model = 'storyboard-card-v1';
    if (job.provider === 'local') {
      const lines = [scene.description, ...scene.actions.slice(0, 2)];
      ({ path } = await this.media.renderStoryboardCard({
        aspectRatio: aspect,
        title: sceneHeading(context),
        lines,
        seed,
        outPath: join(ctx.workDir, 'card.png'),
        signal: ctx.signal,
      }));
    } else {
      const generator = this.providers.image(job.provider);
      if (!generator) throw new StageError('permanent', `image provider ${job.provider} is not configured`);
      const prompt = [shots[0]?.visual_prompt ?? scene.visual_prompt, scene.visual_prompt].join('. ');
      const result = await generator.generate({ prompt, seed, ...FRAME_SIZE[aspect] }, ctx);
      ({ path, contentType } = result);
      model = generator.model;
      ctx.recordUsage({ images: 1 });
    }
    const hash = await fileHash(path);
    const extension = contentType === 'image/png' ? 'png' : contentType === 'image/webp' ? 'webp' : 'jpg';
    const key = `dramas/${drama.dramaId}/scenes/${job.target}/image-${short(hash)}.${extension}`;
    await this.blobs.putFile(key, path, contentType);
    const output: ImageOutput = { stage: 'images', key, contentType, hash };
    return { output, provider: job.provider, model };
  }
}
