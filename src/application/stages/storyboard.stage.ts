import type { StoryboardOutput } from '../../domain/drama/drama.types.js';
import { buildStoryboard, type Shot } from '../../domain/script/storyboard.js';
import { contentHash } from '../shared/hashing.js';
import type { StageExecutor, StageInput, StageResult } from './stage-executor.js';
import { sceneContext } from './stage-inputs.js';
import { scriptOf } from '../../domain/drama/drama.state.js';

/** Shot list per scene (framing, camera, lighting, visual prompt): deterministic, from the script. */
export class StoryboardStage implements StageExecutor {
  async run({ drama }: StageInput): Promise<StageResult> {
    const shots: Record<string, Shot[]> = {};
    for (const ref of scriptOf(drama)?.scenes ?? []) {
      const { scene } = sceneContext(drama, ref.sceneId);
      shots[ref.sceneId] = buildStoryboard(scene, { aspect_ratio: drama.request.aspectRatio });
    }
    const output: StoryboardOutput = { stage: 'storyboard', shots, hash: contentHash(shots) };
    return { output, provider: 'local', model: 'storyboard-v1' };
  }
}
