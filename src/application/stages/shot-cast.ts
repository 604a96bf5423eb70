import { extname, join } from 'node:path';
import { castMember, castOf } from '../../domain/drama/drama.cast.js';
import type { ActiveDrama } from '../../domain/drama/drama.state.js';
import type { Language } from '../../domain/script/vocabulary.js';
import type { ShotCharacter, ShotSetting } from '../ports/ai-providers.port.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import { StageError } from './stage-executor.js';
import type { SceneContext } from './stage-inputs.js';

/*
 * Which providers get the cast's portraits as reference images (issue 12):
 * - openai_images (gpt-image models): yes, POST /images/edits with `image[]` (see its adapter).
 * - wanx: no. Its text2image API has no reference input, and wan2.5-i2i takes image URLs the provider
 *   can fetch, which a local media store does not give. It gets the descriptions in the prompt.
 * - runway (gen4_turbo image_to_video) and pika (v2.2 image-to-video): their one image is the first
 *   frame, i.e. the scene's still, which shows the cast already; they get the descriptions in the prompt.
 *   (Pika's "pikascenes" takes character images but is not wired here.)
 * - local: the art composer draws each character from its portrait file.
 */

/** Where a scene happens and who is in it, as every shot of it shows them. */
export interface ShotCast {
  setting: ShotSetting;
  characters: ShotCharacter[];
}

/**
 * The scene's place and its characters with the cast's fixed descriptions, and their portraits fetched
 * into `workDir`. A drama recorded before the cast step has no portraits: its characters keep the
 * script's own descriptions.
 */
export async function shotCast(
  drama: ActiveDrama,
  { script, scene }: SceneContext,
  blobs: BlobStore,
  workDir: string,
): Promise<ShotCast> {
  const cast = castOf(drama);
  const characters: ShotCharacter[] = [];
  for (const [i, name] of scene.characters.entries()) {
    const member = castMember(cast, name);
    if (!member) {
      const written = script.characters.find((c) => c.name === name);
      characters.push({ name, description: written?.description ?? '' });
      continue;
    }
    const portraitPath = join(workDir, `portrait-${i}${extname(member.portraitKey)}`);
    try {
      await blobs.download(member.portraitKey, portraitPath);
    } catch (error) {
      throw new StageError(
        'permanent',
        `the portrait of ${name} (${member.portraitKey}) is not in the media store: ${(error as Error).message}`,
      );
    }
    characters.push({ name, description: member.description, portraitPath });
  }
  return { setting: { place: scene.location, timeOfDay: scene.time_of_day }, characters };
}

/** The characters' fixed descriptions, for a shot prompt (image or video) in the script's language. */
export function castPrompt(characters: readonly ShotCharacter[], language: Language): string {
  const described = characters.filter((c) => c.description.trim() !== '');
  if (described.length === 0) return '';
  return language === 'zh'
    ? `人物：${described.map((c) => `${c.name}（${c.description}）`).join('；')}`
    : `Characters: ${described.map((c) => `${c.name} (${c.description})`).join('; ')}`;
}
