import { extname, join } from 'node:path';
import { castMember, castOf } from '../../domain/drama/drama.cast.js';
import { type ActiveDrama, type JobState, slot } from '../../domain/drama/drama.state.js';
import type { SceneRef, SingleVideoRequest, VideoOutput } from '../../domain/drama/drama.types.js';
import { MAX_TASK_SEC, parseTaskScript, voiceTaskLines } from '../../domain/script/task-script.js';
import { detectLanguage } from '../../domain/script/vocabulary.js';
import type { JobContext } from '../ports/ai-providers.port.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { MediaTools, SceneRenderRequest, SpeakFn, SpokenLine } from '../ports/media-tools.port.js';
import type { ProviderCatalog } from '../ports/provider-catalog.port.js';
import type { RemoteFiles } from '../ports/remote-files.port.js';
import { fileHash } from '../shared/hashing.js';
import { type StageExecutor, StageError, type StageInput, type StageResult } from './stage-executor.js';
import { requireOutput, sceneContext, sceneHeading, seedOf, short } from './stage-inputs.js';
import { moodFor } from './mood.js';
import { castPrompt, type ShotCast, shotCast } from './shot-cast.js';
import { planClips } from '../video/clip-plan.js';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/**
 * A task's lines as the renderer speaks them: each speaker named (the narrator unnamed) in their voice.
 * Tasks requested before lines were recorded narrate their script sentence by sentence.
 */
function taskDialogue(single: SingleVideoRequest): SpokenLine[] {
  const lines =
    single.lines ??
    voiceTaskLines(
      parseTaskScript(single.script).map((l) => ({ ...l, speaker: null })),
      detectLanguage(single.script),
    );
  return lines.map((l) => ({ speaker: l.speaker ?? '', text: l.text, voice: l.voice }));
}
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/**
 * One music track per episode, each scene rendering its own stretch of it: the bed carries on across
 * the cuts between scenes (same key, chords and phase) and fades only at the episode's start and end.
 * Scenes render apart and in any order, so a scene's place on the track comes from the script's
 * lengths (a drama scene is rendered at exactly its length).
 */
export function episodeMusic(
  dramaId: string,
  episodeScenes: readonly SceneRef[],
  ref: SceneRef,
): Pick<SceneRenderRequest, 'musicSeed' | 'musicTrack'> {
  const before = episodeScenes.filter((s) => s.number < ref.number);
  const last = Math.max(...episodeScenes.map((s) => s.number));
  return {
    musicSeed: seedOf(`${dramaId}:episode-${ref.episode}`),
    musicTrack: {
      offsetSec: before.reduce((sum, s) => sum + s.durationSec, 0),
      carryIn: before.length > 0,
      carryOut: ref.number < last,
    },
  };
}

type RenderPlan = Omit<
  SceneRenderRequest,
  'outputDir' | 'basename' | 'background' | 'speak' | 'signal' | 'onProgress'
> & {
  image: { kind: 'key'; key: string } | { kind: 'url'; url: string } | null;
  visualPrompts: string[];
  keyPrefix: string;
};

/** Voice + video for one scene: speech, subtitles and music over a still image, a card, or remote clips. */
export class VideoStage implements StageExecutor {
  constructor(
    private readonly providers: ProviderCatalog,
    private readonly media: MediaTools,
    private readonly blobs: BlobStore,
    private readonly remoteFiles: RemoteFiles,
  ) {}

  async run({ drama, job, ctx }: StageInput): Promise<StageResult> {
    const plan =
      drama.kind === 'single_video'
        ? this.planTask(drama)
        : this.planScene(
            drama,
            job,
            await shotCast(drama, sceneContext(drama, job.target), this.blobs, ctx.workDir),
          );
    const [videoProvider = 'local', ttsProvider = 'local'] = job.provider.split('+');
    const imagePath = await this.fetchImage(plan.image, ctx);

    let background: SceneRenderRequest['background'] = imagePath
      ? { kind: 'image', path: imagePath }
      : { kind: 'text' };
    let model = 'ffmpeg-scene-v1';
    if (videoProvider !== 'local') {
      const generator = this.providers.video(videoProvider);
      if (!generator) throw new StageError('permanent', `video provider ${videoProvider} is not configured`);
      if (!generator.capabilities.ratios.includes(plan.aspectRatio)) {
        throw new StageError('permanent', `${videoProvider} cannot make ${plan.aspectRatio} video`);
      }
      const durations = planClips(plan.durationSec, generator.capabilities);
      const clips: string[] = [];
      for (const [i, durationSec] of durations.entries()) {
        ctx.reportProgress(
          (0.6 * i) / durations.length,
          `${videoProvider}: clip ${i + 1} of ${durations.length}`,
        );
        const clip = await generator.generateClip(
          {
            prompt: plan.visualPrompts[i % plan.visualPrompts.length] ?? plan.heading,
            imagePath: generator.capabilities.imageToVideo ? (imagePath ?? undefined) : undefined,
            durationSec,
            aspectRatio: plan.aspectRatio,
            seed: plan.musicSeed + i,
          },
          ctx,
        );
        clips.push(clip.path);
      }
      const joined = await this.media.joinClips({
        clips,
        aspectRatio: plan.aspectRatio,
        resolution: plan.resolution,
        durationSec: plan.durationSec,
        outPath: join(ctx.workDir, 'remote.mp4'),
        signal: ctx.signal,
      });
      background = { kind: 'video', path: joined.path };
      model = `${generator.model}+ffmpeg`;
    }

    const speak = this.speaker(ttsProvider, plan.dialogue, ctx);
    const base = videoProvider === 'local' ? 0.05 : 0.6;
    const rendered = await this.media.renderScene({
      ...plan,
      outputDir: ctx.workDir,
      basename: 'scene',
      background,
      speak,
      signal: ctx.signal,
      onProgress: (f) => ctx.reportProgress(base + (0.95 - base) * f, 'rendering'),
    });
    if (rendered.droppedLines.length > 0 && drama.kind === 'single_video') {
      // Never a clip that silently leaves words out.
      throw new StageError(
        'permanent',
        `the script does not fit into ${MAX_TASK_SEC} s even spoken faster (${rendered.droppedLines.length} of ${plan.dialogue.length} lines left over): split it into several tasks`,
      );
    }
    const hash = await fileHash(rendered.videoPath);
    const prefix = `${plan.keyPrefix}/clip-${short(hash)}`;
    const [key, srtKey, vttKey] = [`${prefix}.mp4`, `${prefix}.srt`, `${prefix}.vtt`];
    await this.blobs.putFile(key, rendered.videoPath, 'video/mp4');
    await this.blobs.putFile(srtKey, rendered.srtPath);
    await this.blobs.putFile(vttKey, rendered.vttPath);
    const output: VideoOutput = {
      stage: 'video',
      key,
      srtKey,
      vttKey,
      durationSec: rendered.durationSec,
      hash,
      checks: rendered.checks,
    };
    return { output, provider: job.provider, model };
  }

  private planScene(drama: ActiveDrama, job: JobState, shot: ShotCast): RenderPlan {
    const context = sceneContext(drama, job.target);
    const { scene, cast, ref } = context;
    // The cast's voice, the same in every scene (dramas from before the cast step: the script's).
    const voiceOf = new Map(cast.map((c) => [c.name, castMember(castOf(drama), c.name)?.voice ?? c.voice]));
    const fallbackVoice = context.script.language === 'zh' ? 'zh-female-1' : 'en-female-1';
    const shots = requireOutput(drama, 'storyboard', 'drama').shots[job.target] ?? [];
    return {
      aspectRatio: drama.request.aspectRatio,
      resolution: drama.request.resolution,
      durationSec: ref.durationSec,
      heading: sceneHeading(context),
      // The storyboard image carries the scene's description already (the local card prints it).
      narration: undefined,
      dialogue: scene.dialogue.map((d) => ({
        speaker: d.character,
        text: d.line,
        voice: voiceOf.get(d.character) ?? fallbackVoice,
      })),
      ...episodeMusic(drama.dramaId, context.episodeScenes, ref),
      take: (drama.revisions[job.target] ?? 0) + (drama.rerenders[job.target] ?? 0),
      mood: moodFor(drama.request.genre, scene.beat),
      image: { kind: 'key', key: requireOutput(drama, 'images', job.target).key },
      // A picture composed here only where the still was: a provider's illustration is shown as it is.
      ...(drama.outputs[slot('images', job.target)]?.provider === 'local'
        ? { picture: { setting: shot.setting, characters: shot.characters } }
        : {}),
      // The cast first: providers cut long prompts at the end (Runway at 1000 characters).
      visualPrompts: (shots.length > 0 ? shots.map((s) => s.visual_prompt) : [scene.visual_prompt]).map((p) =>
        [castPrompt(shot.characters, context.script.language), p].filter(Boolean).join('. '),
      ),
      keyPrefix: `dramas/${drama.dramaId}/scenes/${job.target}`,
    };
  }

  private planTask(drama: ActiveDrama): RenderPlan {
    const single = drama.request.single;
    if (!single) throw new StageError('permanent', 'internal: video task without a script');
    const image = single.imageUrl
      ? /^https?:\/\//i.test(single.imageUrl)
        ? ({ kind: 'url', url: single.imageUrl } as const)
        : ({ kind: 'key', key: single.imageUrl } as const)
      : null;
    return {
      aspectRatio: drama.request.aspectRatio,
      resolution: drama.request.resolution,
      durationSec: single.durationSec,
      // Never the client's scene reference itself: that may be a bare id.
      heading: single.heading ?? drama.request.title,
      // The words are the subtitles; printing the script on the picture as well would say it twice.
      narration: undefined,
      dialogue: taskDialogue(single),
      fitToSpeechMaxSec: MAX_TASK_SEC,
      musicSeed: seedOf(drama.dramaId),
      mood: moodFor(drama.request.genre, undefined),
      image,
      visualPrompts: [single.script],
      keyPrefix: `tasks/${drama.dramaId}`,
    };
  }

  private async fetchImage(image: RenderPlan['image'], ctx: JobContext): Promise<string | null> {
    if (!image) return null;
    if (image.kind === 'key') {
      const info = await this.blobs.stat(image.key).catch(() => null);
      if (!info) throw new StageError('permanent', `image ${image.key} is not in the media store`);
      if (!IMAGE_TYPES.includes(info.contentType)) {
        throw new StageError('permanent', `image ${image.key} is ${info.contentType}, not PNG, JPEG or WebP`);
      }
      const path = join(ctx.workDir, `image${extname(image.key)}`);
      await this.blobs.download(image.key, path);
      return path;
    }
    try {
      const result = await this.remoteFiles.download(image.url, join(ctx.workDir, 'image-download'), {
        maxBytes: MAX_IMAGE_BYTES,
        contentTypes: IMAGE_TYPES,
        timeoutMs: 20_000,
        signal: ctx.signal,
      });
      return result.path;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new StageError('permanent', `could not use image_url: ${(error as Error).message}`);
    }
  }

  private speaker(provider: string, lines: readonly SpokenLine[], ctx: JobContext): SpeakFn | undefined {
    if (provider === 'local' || lines.length === 0) return undefined;
    const synthesizer = this.providers.speech(provider);
    if (!synthesizer) throw new StageError('permanent', `speech provider ${provider} is not configured`);
    return async (line, outPath, speed) => {
      const language = detectLanguage(line.text);
      return synthesizer.synthesize({ text: line.text, voice: line.voice, language, speed }, outPath, ctx);
    };
  }
}
