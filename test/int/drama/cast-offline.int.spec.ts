import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ImageGenerator, ImageRequest } from '../../../src/application/ports/ai-providers.port.js';
import type { MediaTools, SceneRenderRequest } from '../../../src/application/ports/media-tools.port.js';
import type { ProviderCatalog } from '../../../src/application/ports/provider-catalog.port.js';
import type { RemoteFiles } from '../../../src/application/ports/remote-files.port.js';
import { CastStage } from '../../../src/application/stages/cast.stage.js';
import { ImagesStage } from '../../../src/application/stages/images.stage.js';
import type { StageExecutor } from '../../../src/application/stages/stage-executor.js';
import { VideoStage } from '../../../src/application/stages/video.stage.js';
import { castOf } from '../../../src/domain/drama/drama.cast.js';
import type { JobState } from '../../../src/domain/drama/drama.state.js';
import type { CastOutput } from '../../../src/domain/drama/drama.types.js';
import { OpenPeepsPortraitPainter } from '../../../src/infrastructure/media/art/portrait.js';
import { LocalBlobStore } from '../../../src/infrastructure/media-store/local.blob-store.js';
import { MediaUrlSigner } from '../../../src/infrastructure/media-store/media-url-signer.js';
import { jobContext, removeJobDirs } from '../../support/ai.js';
import { testMedia } from '../../support/fakes/media.js';
import { DramaHarness, request } from '../../unit/drama/drama-harness.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface SeenCharacter {
  name: string;
  description: string;
  portrait: string | null;
}

/**
 * The offline pipeline's cast, stage by stage on the real cast, images and video stages (real portraits,
 * real media store): what the local image generator and the scene renderer are given for each scene.
 * The two are recorded at their ports; drawing the pictures is theirs.
 */
describe('the cast offline, through the images and video stages', () => {
  let blobs: LocalBlobStore;
  const asked = {
    images: new Map<string, SeenCharacter[]>(),
    prompts: new Map<string, string>(),
    renders: new Map<string, SceneRenderRequest>(),
  };
  const seen = async (characters: ImageRequest['characters']): Promise<SeenCharacter[]> =>
    Promise.all(
      (characters ?? []).map(async (c) => ({
        name: c.name,
        description: c.description,
        portrait: c.portraitPath ? sha(await readFile(c.portraitPath)) : null,
      })),
    );
  let target = '';
  const generator: ImageGenerator = {
    provider: 'local',
    model: 'recorded',
    kind: 'local',
    probe: async () => ({ ok: true, latency_ms: 0, detail: '' }),
    async generate(req, ctx) {
      asked.images.set(target, await seen(req.characters));
      asked.prompts.set(target, req.prompt);
      const path = join(ctx.workDir, 'frame.png');
      await writeFile(path, (await testMedia()).png);
      return { path, contentType: 'image/png' };
    },
  };
  const catalog = { image: (p: string) => (p === 'local' ? generator : null) } as unknown as ProviderCatalog;
  const portraits = new Map<string, string[]>();
  const media = {
    async renderScene(req: SceneRenderRequest) {
      asked.renders.set(target, req);
      const chars = await seen(req.picture?.characters);
      portraits.set(
        target,
        chars.map((c) => `${c.name}:${c.portrait}`),
      );
      const out = (ext: string) => join(req.outputDir, `${req.basename}.${ext}`);
      await Promise.all(['mp4', 'srt', 'vtt'].map((ext) => writeFile(out(ext), `${target}.${ext}`)));
      return {
        videoPath: out('mp4'),
        srtPath: out('srt'),
        vttPath: out('vtt'),
        durationSec: req.durationSec,
        droppedLines: [],
      };
    },
  } as unknown as MediaTools;

  let h: DramaHarness;
  const run = async (stage: StageExecutor, job: JobState) => {
    target = job.target;
    const result = await stage.run({ drama: h.state, job, ctx: await jobContext() });
    h.complete(job, result.output, result.provider);
  };

  beforeAll(async () => {
    blobs = await LocalBlobStore.open(mkdtempSync(join(tmpdir(), 'k3s-cast-')), {
      signer: new MediaUrlSigner('x'.repeat(32)),
    });
    h = new DramaHarness(request({ episodes: 2, scenesPerEpisode: 3 }));
    h.completeAll(1); // the script
    h.settle();
    const cast = new CastStage(catalog, new OpenPeepsPortraitPainter(), blobs);
    await run(cast, h.openJobs()[0]!);
    h.settle();
    h.complete(h.openJobs()[0]!); // the storyboard
    h.settle();
    const images = new ImagesStage(catalog, blobs);
    for (const job of h.openJobs()) await run(images, job);
    h.settle();
    const video = new VideoStage(catalog, media, blobs, {} as RemoteFiles);
    for (const job of h.openJobs()) await run(video, job);
  }, 60_000);
  afterAll(removeJobDirs);

  it('gives each character one portrait, one description and one voice in every scene', async () => {
    const cast = castOf(h.state) as CastOutput;
    expect(cast.characters.length).toBeGreaterThanOrEqual(2);
    expect(asked.images.size).toBe(6);
    expect(asked.renders.size).toBe(6);
    const looks = new Map<string, Set<string>>();
    const voices = new Map<string, Set<string>>();
    const scenesOf = new Map<string, number>();
    for (const [scene, characters] of asked.images) {
      for (const c of characters) {
        expect(c.portrait).not.toBeNull();
        looks.set(c.name, (looks.get(c.name) ?? new Set()).add(`${c.description}|${c.portrait}`));
        scenesOf.set(c.name, (scenesOf.get(c.name) ?? 0) + 1);
      }
      // The renderer is given the same characters, with the same portraits, as the picture.
      expect(portraits.get(scene)).toEqual(characters.map((c) => `${c.name}:${c.portrait}`));
      const render = asked.renders.get(scene)!;
      for (const line of render.dialogue)
        voices.set(line.speaker, (voices.get(line.speaker) ?? new Set()).add(line.voice));
    }
    expect([...scenesOf.values()].some((n) => n >= 2)).toBe(true);
    for (const [, set] of looks) expect(set.size).toBe(1);
    for (const [, set] of voices) expect(set.size).toBe(1);
    // Two characters never share a portrait, and each voice is the cast's.
    const portraitsOf = [...looks.values()].map((s) => [...s][0]!.split('|')[1]);
    expect(new Set(portraitsOf).size).toBe(looks.size);
    for (const member of cast.characters) {
      const stored = sha(await blobs.readBuffer(member.portraitKey));
      if (looks.has(member.name))
        expect([...looks.get(member.name)!][0]).toBe(`${member.description}|${stored}`);
      if (voices.has(member.name)) expect([...voices.get(member.name)!]).toEqual([member.voice]);
    }
  });

  it("passes each scene's place and time to the picture, and the cast's descriptions in the prompts", () => {
    for (const [scene, characters] of asked.images) {
      for (const c of characters) expect(asked.prompts.get(scene)).toContain(`${c.name}（${c.description}）`);
    }
    for (const [, render] of asked.renders) {
      expect(render.picture?.setting.place).toEqual(expect.any(String));
      expect(['dawn', 'day', 'dusk', 'night']).toContain(render.picture?.setting.timeOfDay);
      expect(render.heading).toContain(render.picture!.setting.place);
    }
  });
});
