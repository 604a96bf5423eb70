import type { ImageOutput } from '../../domain/drama/drama.types.js';
import { frameSize } from '../ports/ai-providers.port.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { ProviderCatalog } from '../ports/provider-catalog.port.js';
import { fileHash } from '../shared/hashing.js';
import { type StageExecutor, StageError, type StageInput, type StageResult } from './stage-executor.js';
import { castPrompt, shotCast } from './shot-cast.js';
import { requireOutput, sceneContext, sceneHeading, seedOf, short } from './stage-inputs.js';

/** One storyboard image per scene: a rendered card locally, or a text-to-image model. */
export class ImagesStage implements StageExecutor {
  constructor(
    private readonly providers: ProviderCatalog,
    private readonly blobs: BlobStore,
  ) {}

  async run({ drama, job, ctx }: StageInput): Promise<StageResult> {
    const context = sceneContext(drama, job.target);
    const { scene } = context;
    const shots = requireOutput(drama, 'storyboard', 'drama').shots[job.target] ?? [];
    const seed = seedOf(`${job.target}:${drama.revisions[job.target] ?? 0}`);
    const aspect = drama.request.aspectRatio;
    const generator = this.providers.image(job.provider);
    if (!generator) throw new StageError('permanent', `image provider ${job.provider} is not configured`);
    // The cast's descriptions go into every prompt (first: providers cut long prompts at the end); the
    // portraits go to providers that take reference images.
    const { setting, characters } = await shotCast(drama, context, this.blobs, ctx.workDir);
    const prompt = [
      castPrompt(characters, context.script.language),
      shots[0]?.visual_prompt,
      scene.visual_prompt,
    ]
      .filter(Boolean)
      .join('. ');
    const caption = {
      title: sceneHeading(context),
      lines: [scene.description, ...scene.actions.slice(0, 2)],
    };
    const { path, contentType } = await generator.generate(
      { prompt, seed, caption, setting, characters, ...frameSize(aspect, drama.request.resolution) },
      ctx,
    );
    const model = generator.model;
    const hash = await fileHash(path);
    const extension = contentType === 'image/png' ? 'png' : contentType === 'image/webp' ? 'webp' : 'jpg';
    const key = `dramas/${drama.dramaId}/scenes/${job.target}/image-${short(hash)}.${extension}`;
    await this.blobs.putFile(key, path, contentType);
    const output: ImageOutput = { stage: 'images', key, contentType, hash };
    return { output, provider: job.provider, model };
  }
}
