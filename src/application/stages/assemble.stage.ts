import { join } from 'node:path';
import { scriptOf, slot } from '../../domain/drama/drama.state.js';
import type { EpisodeOutput } from '../../domain/drama/drama.types.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { EpisodeClip, MediaTools } from '../ports/media-tools.port.js';
import { fileHash } from '../shared/hashing.js';
import { type StageExecutor, StageError, type StageInput, type StageResult } from './stage-executor.js';
import { requireOutput, short } from './stage-inputs.js';

/** Joins an episode's scene clips (with their fades) into the final MP4, subtitles and a poster. */
export class AssembleStage implements StageExecutor {
  constructor(
    private readonly media: MediaTools,
    private readonly blobs: BlobStore,
  ) {}

  async run({ drama, job, ctx }: StageInput): Promise<StageResult> {
    const episode = Number(job.target.slice(3));
    const scenes = (scriptOf(drama)?.scenes ?? []).filter((s) => s.episode === episode);
    if (scenes.length === 0) throw new StageError('permanent', `internal: episode ${episode} has no scenes`);
    const clips: EpisodeClip[] = [];
    for (const [i, scene] of scenes.entries()) {
      const video = requireOutput(drama, 'video', scene.sceneId);
      const videoPath = join(ctx.workDir, `scene-${i + 1}.mp4`);
      const vttPath = join(ctx.workDir, `scene-${i + 1}.vtt`);
      await this.blobs.download(video.key, videoPath);
      await this.blobs.download(video.vttKey, vttPath);
      clips.push({ videoPath, vttPath, durationSec: video.durationSec });
      ctx.reportProgress((0.3 * (i + 1)) / scenes.length, 'collecting scene clips');
    }
    const paths = {
      outputPath: join(ctx.workDir, 'episode.mp4'),
      srtPath: join(ctx.workDir, 'episode.srt'),
      vttPath: join(ctx.workDir, 'episode.vtt'),
      posterPath: join(ctx.workDir, 'poster.jpg'),
    };
    // The poster shows the first scene's picture (it carries no text) under the drama's title.
    const image = drama.outputs[slot('images', (scenes[0] as (typeof scenes)[number]).sceneId)]?.output;
    let posterImage: string | undefined;
    if (image?.stage === 'images' && image.contentType !== 'image/webp') {
      posterImage = join(ctx.workDir, `poster-picture.${image.contentType === 'image/png' ? 'png' : 'jpg'}`);
      await this.blobs.download(image.key, posterImage);
    }
    const { durationSec } = await this.media.assembleEpisode({
      clips,
      ...paths,
      poster: { title: drama.request.title, ...(posterImage ? { imagePath: posterImage } : {}) },
      signal: ctx.signal,
      onProgress: (f) => ctx.reportProgress(0.3 + 0.6 * f, 'joining scenes'),
    });
    const hash = await fileHash(paths.outputPath);
    const prefix = `dramas/${drama.dramaId}/episodes/${episode}/episode-${short(hash)}`;
    const output: EpisodeOutput = {
      stage: 'assemble',
      episode,
      key: `${prefix}.mp4`,
      srtKey: `${prefix}.srt`,
      vttKey: `${prefix}.vtt`,
      posterKey: `${prefix}.jpg`,
      durationSec,
      hash,
    };
    await this.blobs.putFile(output.key, paths.outputPath, 'video/mp4');
    await this.blobs.putFile(output.srtKey, paths.srtPath);
    await this.blobs.putFile(output.vttKey, paths.vttPath);
    await this.blobs.putFile(output.posterKey, paths.posterPath, 'image/jpeg');
    return { output, provider: 'local', model: 'ffmpeg-concat-v1' };
  }
}
