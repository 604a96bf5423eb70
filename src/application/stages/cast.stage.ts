import { join } from 'node:path';
import { scriptOf } from '../../domain/drama/drama.state.js';
import type { CastMember, CastOutput } from '../../domain/drama/drama.types.js';
import { assignVoices } from '../../domain/script/voices.js';
import type { Language } from '../../domain/script/vocabulary.js';
import type { ImageGenerator } from '../ports/ai-providers.port.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { PortraitPainter } from '../ports/portrait-painter.port.js';
import type { ProviderCatalog } from '../ports/provider-catalog.port.js';
import { contentHash, fileHash } from '../shared/hashing.js';
import { type StageExecutor, StageError, type StageInput, type StageResult } from './stage-executor.js';
import { seedOf, short } from './stage-inputs.js';

/** Square, as every image provider we use offers one. */
const PORTRAIT_SIDE = 1024;
const LOCAL_PORTRAIT_SIDE = 512;

export function portraitPrompt(description: string, language: Language): string {
  return language === 'zh'
    ? `角色定妆照，胸像，正面，纯色浅背景，同一角色在全剧中保持这一形象：${description}`
    : `Character reference portrait, head and shoulders, facing the viewer, plain light background; the character looks like this in every shot: ${description}`;
}

/**
 * The cast, once per drama: for every character a fixed visual description (appearance and clothes),
 * one reference portrait and one voice, reused by every shot. The look is designed offline from the
 * names, genders and the drama id (so the description always matches the offline portrait); with an
 * image provider, the portrait is generated from that description instead.
 */
export class CastStage implements StageExecutor {
  constructor(
    private readonly providers: ProviderCatalog,
    private readonly painter: PortraitPainter,
    private readonly blobs: BlobStore,
  ) {}

  async run({ drama, job, ctx }: StageInput): Promise<StageResult> {
    const script = scriptOf(drama)?.script;
    if (!script) throw new StageError('permanent', 'internal: the cast needs the script, which is missing');
    let generator: ImageGenerator | null = null;
    if (job.provider !== 'local') {
      generator = this.providers.image(job.provider);
      if (!generator) throw new StageError('permanent', `image provider ${job.provider} is not configured`);
    }
    // Voices distinct while the language has them (a writer may have given two people one voice).
    const voiced = assignVoices(script.characters, script.language);
    const designs = this.painter.design(script.characters, {
      seed: drama.dramaId,
      language: script.language,
    });
    const characters: CastMember[] = [];
    for (const [i, character] of voiced.entries()) {
      const design = designs[i]!;
      ctx.reportProgress(i / voiced.length, `portrait of ${character.name}`);
      const portrait = generator
        ? await generator.generate(
            {
              prompt: portraitPrompt(design.description, script.language),
              width: PORTRAIT_SIDE,
              height: PORTRAIT_SIDE,
              seed: seedOf(`${drama.dramaId}:${character.name}`),
            },
            ctx,
          )
        : {
            ...(await this.painter.paint(design, join(ctx.workDir, `portrait-${i}.png`), {
              size: LOCAL_PORTRAIT_SIDE,
            })),
            contentType: 'image/png' as const,
          };
      const hash = await fileHash(portrait.path);
      const extension =
        portrait.contentType.split('/')[1] === 'jpeg' ? 'jpg' : portrait.contentType.split('/')[1];
      // Numbered: two characters never share a key, even if a provider answered twice with one image.
      const portraitKey = `dramas/${drama.dramaId}/cast/${i + 1}-${short(hash)}.${extension}`;
      await this.blobs.putFile(portraitKey, portrait.path, portrait.contentType);
      characters.push({
        name: character.name,
        gender: character.gender,
        voice: character.voice,
        description: design.description,
        portraitKey,
        portraitType: portrait.contentType,
      });
    }
    const output: CastOutput = { stage: 'cast', characters, hash: contentHash(characters) };
    return { output, provider: job.provider, model: generator?.model ?? this.painter.model };
  }
}
