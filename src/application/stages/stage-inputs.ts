import { type ActiveDrama, scriptOf, slot } from '../../domain/drama/drama.state.js';
import type { SceneRef, StageOutput } from '../../domain/drama/drama.types.js';
import type { Character, Scene, Script } from '../../domain/script/script.schema.js';
import { StageError } from './stage-executor.js';

/** Reads what a stage needs from the drama's earlier results; a missing one is a pipeline bug, reported plainly. */
export function requireOutput<S extends StageOutput['stage']>(
  drama: ActiveDrama,
  stage: S,
  target: string,
): Extract<StageOutput, { stage: S }> {
  const output = drama.outputs[slot(stage, target)]?.output;
  if (!output || output.stage !== stage) {
    throw new StageError('permanent', `internal: the ${stage} result for ${target} is missing`);
  }
  return output as Extract<StageOutput, { stage: S }>;
}

export interface SceneContext {
  script: Script;
  ref: SceneRef;
  scene: Scene;
  cast: Character[];
  /** The scenes of the scene's episode, in script order. */
  episodeScenes: SceneRef[];
}

export function sceneContext(drama: ActiveDrama, sceneId: string): SceneContext {
  const scriptOutput = scriptOf(drama);
  const ref = scriptOutput?.scenes.find((s) => s.sceneId === sceneId);
  const scene = ref && scriptOutput?.script.episodes[ref.episode - 1]?.scenes[ref.number - 1];
  if (!scriptOutput || !ref || !scene)
    throw new StageError('permanent', `internal: scene ${sceneId} is not in the script`);
  const cast = scriptOutput.script.characters.filter((c) => scene.characters.includes(c.name));
  const episodeScenes = scriptOutput.scenes.filter((s) => s.episode === ref.episode);
  return { script: scriptOutput.script, ref, scene, cast, episodeScenes };
}

const TIME_ZH = { dawn: '清晨', day: '日', dusk: '黄昏', night: '夜' } as const;

export function sceneHeading({ script, ref, scene }: SceneContext): string {
  return script.language === 'zh'
    ? `第${ref.episode}集 第${ref.number}场 · ${scene.location} · ${TIME_ZH[scene.time_of_day]}`
    : `Episode ${ref.episode} · Scene ${ref.number} · ${scene.location} · ${scene.time_of_day}`;
}

/** A small deterministic integer from text, for seeds. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 2_147_483_647;
}

export const short = (hash: string) => hash.slice(0, 12);
