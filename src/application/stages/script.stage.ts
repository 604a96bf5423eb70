import type { ScriptOutput, SceneRef } from '../../domain/drama/drama.types.js';
import type { Script } from '../../domain/script/script.schema.js';
import type { ProviderCatalog } from '../ports/provider-catalog.port.js';
import { contentHash, uuidV5 } from '../shared/hashing.js';
import type { StageExecutor, StageInput, StageResult } from './stage-executor.js';

export const sceneIdFor = (dramaId: string, episode: number, scene: number) =>
  uuidV5(`scene:${dramaId}:${episode}:${scene}`);

/** Scene refs with content hashes: a scene's hash changes only when its own words or voices change. */
export function sceneRefs(dramaId: string, script: Script): SceneRef[] {
  return script.episodes.flatMap((episode) =>
    episode.scenes.map((scene) => {
      const cast = script.characters.filter((c) => scene.characters.includes(c.name));
      return {
        sceneId: sceneIdFor(dramaId, episode.number, scene.number),
        episode: episode.number,
        number: scene.number,
        title: scene.title,
        durationSec: scene.duration_sec,
        hash: contentHash({ scene, cast, language: script.language }),
      };
    }),
  );
}

export class ScriptStage implements StageExecutor {
  constructor(private readonly providers: ProviderCatalog) {}

  async run({ drama, job, ctx }: StageInput): Promise<StageResult> {
    const r = drama.request;
    const writer = this.providers.scriptWriter(job.provider === 'auto-cloud' ? 'cloud' : 'local');
    ctx.reportProgress(0.05, `writing the script (${writer.provider})`);
    const result = await writer.write(
      {
        prompt: r.prompt,
        title: r.title || undefined,
        description: r.description || undefined,
        genre: r.genre || undefined,
        episodes: r.episodes,
        scenes_per_episode: r.scenesPerEpisode,
        episode_duration_sec: r.episodeDurationSec,
      },
      { signal: ctx.signal, recordUsage: (usage) => ctx.recordUsage(usage) },
    );
    const chain = result as typeof result & {
      kind?: 'template' | 'llm';
      trail?: NonNullable<ScriptOutput['writer']>['trail'];
    };
    const output: ScriptOutput = {
      stage: 'script',
      script: result.script,
      scenes: sceneRefs(drama.dramaId, result.script),
      hash: contentHash(result.script),
      writer: { provider: result.provider, kind: chain.kind ?? writer.kind, trail: chain.trail ?? [] },
    };
    return { output, provider: result.provider, model: result.model };
  }
}
