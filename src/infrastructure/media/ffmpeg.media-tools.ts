import { readFile } from 'node:fs/promises';
import { frameSize } from '../../application/ports/ai-providers.port.js';
import type {
  ClipCheck,
  ClipFacts,
  ClipExpectation,
  EpisodeClip,
  MediaTools,
  SceneRenderRequest,
  SceneRenderResult,
  SpeakFn,
} from '../../application/ports/media-tools.port.js';
import { assembleEpisode } from './episode-assembler.js';
import { videoEncodeArgs, VIDEO_FPS, CONTAINER_ARGS } from './encoding.js';
import { runFfmpeg } from './ffmpeg.js';
import { LocalTts, type Speech, type SpeechRequest } from './local-tts.js';
import { MOODS, type Mood } from './music.js';
import { probeMedia } from './probe.js';
import { checkClip } from './quality-checks.js';
import { recordRenderPhases } from './render-profile.js';
import { renderScene, type SpeechEngine } from './scene-renderer.js';
import { renderStoryboardCard } from './storyboard-card.js';
import { parseVtt } from './vtt-parse.js';
import { parseWav, type PcmAudio } from './wav.js';
import { join } from 'node:path';

/** Keeps the first channel of interleaved audio: the mixer takes mono speech. */
function mono(pcm: PcmAudio): PcmAudio {
  if (pcm.channels === 1) return pcm;
  const samples = new Int16Array(Math.floor(pcm.samples.length / pcm.channels));
  for (let i = 0; i < samples.length; i++) samples[i] = pcm.samples[i * pcm.channels]!;
  return { sampleRate: pcm.sampleRate, channels: 1, samples };
}

/** A remote speech provider behind the renderer's engine interface: one WAV file per line. */
class RemoteSpeech implements SpeechEngine {
  constructor(
    private readonly speak: SpeakFn,
    private readonly dir: string,
    private readonly lines: SceneRenderRequest['dialogue'],
  ) {}

  async speakMany(requests: readonly SpeechRequest[]): Promise<Speech[]> {
    const spoken: Speech[] = [];
    for (const [i, request] of requests.entries()) {
      const line = this.lines[i] ?? { speaker: '', text: request.text, voice: request.voice };
      const { path } = await this.speak(line, join(this.dir, `line-${i + 1}.wav`), request.speed ?? 1);
      const pcm = mono(parseWav(await readFile(path)));
      spoken.push({ pcm, durationSec: pcm.samples.length / pcm.sampleRate });
    }
    return spoken;
  }
}

/**
 * The MediaTools port on the ffmpeg toolkit in this folder. One LocalTts (its worker threads take about
 * a second to start) is shared by every render of this process.
 */
export class FfmpegMediaTools implements MediaTools {
  private tts: LocalTts | null = null;

  /** The shared offline speech engine, started on first use. */
  localEngine(): LocalTts {
    this.tts ??= new LocalTts();
    return this.tts;
  }

  async renderScene(request: SceneRenderRequest): Promise<SceneRenderResult> {
    const { width, height } = frameSize(request.aspectRatio, request.resolution);
    const bg = request.background;
    const mood = MOODS.includes(request.mood as Mood) ? (request.mood as Mood) : 'calm';
    const out = await renderScene({
      outputDir: request.outputDir,
      basename: request.basename,
      width,
      height,
      durationSec: request.durationSec,
      mode: bg.kind,
      ...(bg.kind === 'image' ? { imagePath: bg.path } : {}),
      ...(bg.kind === 'video' ? { videoPath: bg.path } : {}),
      ...(request.picture && bg.kind !== 'video' ? { picture: request.picture } : {}),
      heading: request.heading,
      narration: request.narration,
      dialogue: request.dialogue,
      ...(request.fitToSpeechMaxSec ? { fitToSpeechMaxSec: request.fitToSpeechMaxSec } : {}),
      musicSeed: request.musicSeed,
      musicTrack: request.musicTrack,
      take: request.take,
      mood,
      signal: request.signal,
      onProgress: request.onProgress,
      tts: request.speak
        ? new RemoteSpeech(request.speak, request.outputDir, request.dialogue)
        : this.localEngine(),
    });
    recordRenderPhases(out.timings);
    return {
      videoPath: out.videoPath,
      srtPath: out.srtPath,
      vttPath: out.vttPath,
      durationSec: out.durationSec,
      droppedLines: out.droppedLines,
      checks: out.checks,
    };
  }

  renderStoryboardCard(
    request: Parameters<MediaTools['renderStoryboardCard']>[0],
  ): Promise<{ path: string }> {
    const { aspectRatio, resolution, ...rest } = request;
    return renderStoryboardCard({ ...frameSize(aspectRatio, resolution), ...rest });
  }

  /** Remote clips differ in size, rate and codec: normalise each and join them into one silent clip. */
  async joinClips(request: Parameters<MediaTools['joinClips']>[0]): Promise<{ path: string }> {
    const { width, height } = frameSize(request.aspectRatio, request.resolution);
    const inputs = request.clips.flatMap((clip) => ['-i', clip]);
    const normalised = request.clips
      .map(
        (_, i) =>
          `[${i}:v]scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1,fps=${VIDEO_FPS},format=yuv420p[v${i}]`,
      )
      .join(';');
    const joined = request.clips.map((_, i) => `[v${i}]`).join('');
    await runFfmpeg(
      [
        ...inputs,
        '-filter_complex',
        `${normalised};${joined}concat=n=${request.clips.length}:v=1:a=0[out]`,
        '-map',
        '[out]',
        '-an',
        ...videoEncodeArgs(VIDEO_FPS),
        ...CONTAINER_ARGS,
        request.outPath,
      ],
      { signal: request.signal },
    );
    return { path: request.outPath };
  }

  async assembleEpisode(
    request: Parameters<MediaTools['assembleEpisode']>[0],
  ): Promise<{ durationSec: number }> {
    const clips = await Promise.all(
      request.clips.map(async (clip: EpisodeClip) => ({
        videoPath: clip.videoPath,
        durationSec: clip.durationSec,
        cues: parseVtt(await readFile(clip.vttPath, 'utf8')),
      })),
    );
    return assembleEpisode({ ...request, clips });
  }

  async checkClip(
    path: string,
    expectation: ClipExpectation,
    signal: AbortSignal,
    facts?: ClipFacts,
  ): Promise<ClipCheck> {
    const report = await checkClip(path, expectation, signal, facts);
    return { ok: report.ok, problems: report.problems };
  }

  async extractFrames(path: string, count: number, outDir: string, signal: AbortSignal): Promise<string[]> {
    const { durationSec } = await probeMedia(path, signal);
    const frames: string[] = [];
    for (let i = 0; i < count; i++) {
      const at = ((i + 0.5) * durationSec) / count;
      const out = join(outDir, `frame-${i + 1}.jpg`);
      await runFfmpeg(['-ss', at.toFixed(3), '-i', path, '-frames:v', '1', '-q:v', '4', out], { signal });
      frames.push(out);
    }
    return frames;
  }

  async close(): Promise<void> {
    await this.tts?.close();
    this.tts = null;
  }
}
