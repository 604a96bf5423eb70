import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DramaCommand } from '../../domain/drama/drama.commands.js';
import { dramaKindFor, dramaStream, dramaStreamFor } from '../../domain/drama/drama.streams.js';
import type { DramaRequest } from '../../domain/drama/drama.types.js';
import type { Resolution } from '../../domain/script/storyboard.js';
import { type ImageRef, MEDIA_LINK_VERIFIER, type MediaLinkVerifier } from '../ports/media-links.port.js';
import { projectStream } from '../../domain/project/project.streams.js';
import { invalid, notFound } from '../../domain/shared/domain-error.js';
import { PROVIDER_CATALOG, type ProviderCatalog } from '../ports/provider-catalog.port.js';
import { checkVideoRequest } from '../video/clip-plan.js';
import { handleCommand, loadAggregate } from '../shared/command-handler.js';
import { CommandHandlerBase } from '../shared/command-handler-base.js';
import { GENERATION_QUOTA, type GenerationQuota } from './generation-quota.js';
import { mediaSubject } from './media-owner.js';
import {
  MAX_TASK_SEC,
  neededDurationSec,
  parseTaskScript,
  taskLanguage,
  type VoicedTaskLine,
  voiceTaskLines,
} from '../../domain/script/task-script.js';
import type { VoiceCandidate } from '../../domain/script/voices.js';
import { sceneContext, sceneHeading } from '../stages/stage-inputs.js';
import { isUuid } from '../../domain/shared/ids.js';

export const VIDEO_PROVIDERS = ['local', 'runway', 'pika'] as const;
export const IMAGE_PROVIDERS = ['local', 'wanx', 'openai_images'] as const;
export const TTS_PROVIDERS = ['local', 'qwen_tts'] as const;

export interface DramaRequestInput {
  title: string;
  description: string;
  genre: string;
  episodes: number;
  scenes_per_episode: number;
  duration_sec: number;
  prompt: string;
  video_provider: string;
  image_provider?: string;
  tts_provider?: string;
  use_local_llm: boolean;
  aspect_ratio: '16:9' | '9:16';
  /** 720p (default) or 1080p. */
  resolution?: Resolution;
  callback_url?: string;
}

export interface GenerateVideoInput {
  scene_id: string;
  script: string;
  image_url: ImageRef | null;
  video_provider: string;
  tts_provider?: string;
  duration_sec: number;
  aspect_ratio: '16:9' | '9:16';
  /** 720p (default) or 1080p. */
  resolution?: Resolution;
  callback_url?: string;
}

export interface Accepted {
  project_id: string;
  drama_id: string;
  status: string;
  notes: string[];
}

export interface TaskAccepted {
  task_id: string;
  status: 'pending';
  video_url: null;
  created_at: string;
  /** Decisions taken on the creator's behalf (e.g. the clip lengthened to speak every line). */
  notes: string[];
}

export class GenerateDramaCommand extends Command<Accepted> {
  constructor(
    readonly ownerId: string,
    readonly input: DramaRequestInput,
  ) {
    super();
  }
}

export class GenerateScenesCommand extends Command<Accepted> {
  constructor(
    readonly ownerId: string,
    readonly projectId: string,
    readonly prompt: string,
    readonly useLocalLlm: boolean,
  ) {
    super();
  }
}

export class GenerateVideoCommand extends Command<TaskAccepted> {
  constructor(
    readonly ownerId: string,
    readonly projectId: string,
    readonly input: GenerateVideoInput,
  ) {
    super();
  }
}

export type DramaControl = 'pause' | 'resume' | 'cancel';
export class ControlDramaCommand extends Command<{ id: string; status: string }> {
  constructor(
    readonly actorId: string,
    readonly dramaId: string,
    readonly action: DramaControl | { regenerateScene: string },
    /** A drama, or a generate-video task (its own `videotask-` stream). */
    readonly kind: 'drama' | 'single_video' = 'drama',
  ) {
    super();
  }
}

/** How long a request waits for its drama to show in the read model (so a GET right after sees it). */
const READ_YOUR_WRITES_MS = 5_000;

abstract class DramaCommandBase extends CommandHandlerBase {
  @Inject(PROVIDER_CATALOG) protected readonly providers!: ProviderCatalog;
  @Inject(GENERATION_QUOTA) protected readonly quota!: GenerationQuota;

  /** The deployment's default provider for a capability (local unless configured otherwise). */
  protected defaultProvider(capability: 'image' | 'tts'): string {
    return this.providers.list().find((l) => l.capability === capability && l.default)?.provider ?? 'local';
  }

  protected now() {
    return this.clock.now().toISOString();
  }

  /** Checks a provider choice: unknown names are 400; known but unconfigured ones fall back to local or are 400. */
  protected provider(
    capability: 'video' | 'image' | 'tts',
    field: string,
    value: string,
    notes: string[] | null,
  ): string {
    if (value === 'local') return value;
    if (this.providers.isConfigured(capability, value)) return value;
    if (notes === null) {
      throw invalid(
        'PROVIDER.NOT_CONFIGURED',
        `${field}: provider "${value}" is not configured on this server`,
        {
          field,
        },
      );
    }
    notes.push(`${field} "${value}" is not configured on this server: using the local renderer instead`);
    return 'local';
  }

  /** Rejects, before any money is spent, what the chosen video model cannot make. */
  protected checkVideoProvider(
    provider: string,
    aspect: '16:9' | '9:16',
    durationSec: number,
    hasImage: boolean,
  ): void {
    const generator = provider === 'local' ? null : this.providers.video(provider);
    if (!generator) return;
    const plan = checkVideoRequest({
      provider,
      capabilities: generator.capabilities,
      durationSec,
      aspectRatio: aspect,
      hasImage,
    });
    if (!plan.ok) {
      throw invalid('PROVIDER.UNSUPPORTED', `video_provider: ${plan.problems.join('; ')}`, {
        field: 'video_provider',
      });
    }
  }

  protected async request(streamId: string, command: DramaCommand) {
    const result = await handleCommand(this.deps, streamId, dramaKindFor(streamId), command);
    if (result.lastPosition !== null)
      await this.progress.waitFor('dramas', result.lastPosition, READ_YOUR_WRITES_MS);
    return result;
  }

  /** The caller's project, from its stream (commands never authorise against a read model). */
  protected async ownedProject(projectId: string, ownerId: string) {
    const { state } = await loadAggregate(this.store, projectStream.streamId(projectId), projectStream);
    if (state.status !== 'active' || state.ownerId !== ownerId) {
      throw notFound('PROJECT.NOT_FOUND', `project ${projectId} not found`);
    }
    return state;
  }
}

@CommandHandler(GenerateDramaCommand)
export class GenerateDramaHandler extends DramaCommandBase implements ICommandHandler<GenerateDramaCommand> {
  async execute({ ownerId, input }: GenerateDramaCommand): Promise<Accepted> {
    const notes: string[] = [];
    const video = this.provider('video', 'video_provider', input.video_provider, notes);
    const image = this.provider(
      'image',
      'image_provider',
      input.image_provider ?? this.defaultProvider('image'),
      notes,
    );
    const tts = this.provider(
      'tts',
      'tts_provider',
      input.tts_provider ?? this.defaultProvider('tts'),
      notes,
    );
    // every drama scene has a storyboard image to start from
    this.checkVideoProvider(video, input.aspect_ratio, input.duration_sec / input.scenes_per_episode, true);
    const projectId = this.ids.uuid();
    const dramaId = this.ids.uuid();
    await this.quota.admit(ownerId, {
      dramaId,
      kind: 'drama',
      videoSec: input.episodes * input.duration_sec,
      scenes: input.episodes * input.scenes_per_episode,
    });
    const created = await handleCommand(this.deps, projectStream.streamId(projectId), projectStream, {
      type: 'CreateProject',
      data: {
        projectId,
        ownerId,
        title: input.title,
        description: input.description,
        genre: input.genre,
        targetEpisodes: input.episodes,
        targetDurationSec: input.duration_sec,
        now: this.now(),
      },
    });
    const request: DramaRequest = {
      kind: 'drama',
      title: input.title,
      description: input.description,
      genre: input.genre,
      episodes: input.episodes,
      scenesPerEpisode: input.scenes_per_episode,
      episodeDurationSec: input.duration_sec,
      prompt: input.prompt,
      aspectRatio: input.aspect_ratio,
      resolution: input.resolution ?? '720p',
      useLocalLlm: input.use_local_llm,
      providers: { video, image, tts },
      notes,
      ...(input.callback_url ? { callbackUrl: input.callback_url } : {}),
    };
    await this.request(dramaStreamFor('drama', dramaId), {
      type: 'RequestDrama',
      data: { dramaId, projectId, ownerId, request, now: this.now() },
    });
    // The answer names a new project: a GET of it, or a watcher of its progress (authorised against the
    // projects read model), right after must find it, not only the drama.
    if (created.lastPosition !== null) {
      await this.progress.waitFor('projects', created.lastPosition, READ_YOUR_WRITES_MS);
    }
    return { project_id: projectId, drama_id: dramaId, status: 'pending', notes };
  }
}

@CommandHandler(GenerateScenesCommand)
export class GenerateScenesHandler
  extends DramaCommandBase
  implements ICommandHandler<GenerateScenesCommand>
{
  async execute({ ownerId, projectId, prompt, useLocalLlm }: GenerateScenesCommand): Promise<Accepted> {
    const project = await this.ownedProject(projectId, ownerId);
    const dramaId = this.ids.uuid();
    const episodes = Math.min(project.targetEpisodes, 20);
    const scenesPerEpisode = Math.max(1, Math.min(3, Math.floor(project.targetDurationSec / 10)));
    const request: DramaRequest = {
      kind: 'script_only',
      resolution: '720p',
      title: project.title,
      description: project.description,
      genre: project.genre,
      episodes,
      scenesPerEpisode,
      episodeDurationSec: project.targetDurationSec,
      prompt,
      aspectRatio: '16:9',
      useLocalLlm,
      providers: { video: 'local', image: 'local', tts: 'local' },
      notes: project.targetEpisodes > 20 ? ['scripts are written for at most 20 episodes at a time'] : [],
    };
    await this.quota.admit(ownerId, {
      dramaId,
      kind: 'script_only',
      videoSec: 0,
      scenes: episodes * scenesPerEpisode,
    });
    await this.request(dramaStreamFor('script_only', dramaId), {
      type: 'RequestDrama',
      data: { dramaId, projectId, ownerId, request, now: this.now() },
    });
    return { project_id: projectId, drama_id: dramaId, status: 'pending', notes: request.notes ?? [] };
  }
}

@CommandHandler(GenerateVideoCommand)
export class GenerateVideoHandler extends DramaCommandBase implements ICommandHandler<GenerateVideoCommand> {
  @Inject(MEDIA_LINK_VERIFIER) private readonly links!: MediaLinkVerifier;

  /**
   * A picture from this server's media store is a capability: a valid, unexpired signed link, or the
   * caller's own object. Anything else (another user's key, a missing one, a forged or expired signature)
   * gets one answer, so the refusal tells nothing about which keys exist.
   */
  private async usableImage(ref: ImageRef, ownerId: string): Promise<string> {
    if (ref.kind === 'url') return ref.url;
    if (ref.signature !== undefined || ref.expires !== undefined) {
      if (this.links.verify(ref.key, ref.expires, ref.signature) === 'ok') return ref.key;
    } else if (await this.ownsMedia(ref.key, ownerId)) {
      return ref.key;
    }
    throw invalid(
      'MEDIA.NOT_AVAILABLE',
      'image_url: not a picture you can use: give a link to your own media as this API returned it, or an http(s) URL',
      { field: 'image_url' },
    );
  }

  /** Media keys of a drama or task start with dramas/<id>/ or tasks/<id>/: its owner owns them. */
  private async ownsMedia(key: string, ownerId: string): Promise<boolean> {
    const subject = mediaSubject(key);
    if (!subject || key.split('/').some((part) => part === '..' || part === '')) return false;
    const { state } = await loadAggregate(this.store, subject.streamId, dramaKindFor(subject.streamId));
    return state.status !== 'empty' && state.ownerId === ownerId;
  }

  async execute({ ownerId, projectId, input }: GenerateVideoCommand): Promise<TaskAccepted> {
    const project = await this.ownedProject(projectId, ownerId);
    const video = this.provider('video', 'video_provider', input.video_provider, null);
    const tts = this.provider('tts', 'tts_provider', input.tts_provider ?? this.defaultProvider('tts'), null);
    const scene = await this.sceneOf(projectId, input.scene_id);
    const { lines, notes } = this.spokenLines(input, scene, video);
    this.checkVideoProvider(video, input.aspect_ratio, input.duration_sec, input.image_url !== null);
    const taskId = this.ids.uuid();
    const now = this.now();
    const script = lines.map((l) => (l.speaker ? `${l.speaker}：${l.text}` : l.text)).join('\n');
    const request: DramaRequest = {
      kind: 'single_video',
      title: project.title,
      description: project.description,
      genre: project.genre,
      episodes: 1,
      scenesPerEpisode: 1,
      episodeDurationSec: input.duration_sec,
      prompt: script,
      aspectRatio: input.aspect_ratio,
      resolution: input.resolution ?? '720p',
      useLocalLlm: true,
      providers: { video, image: 'local', tts },
      single: {
        sceneRef: input.scene_id,
        script,
        imageUrl: input.image_url && (await this.usableImage(input.image_url, ownerId)),
        durationSec: input.duration_sec,
        lines,
        heading: scene?.heading ?? project.title,
      },
      notes,
      ...(input.callback_url ? { callbackUrl: input.callback_url } : {}),
    };
    await this.quota.admit(ownerId, {
      dramaId: taskId,
      kind: 'single_video',
      videoSec: Math.max(input.duration_sec, neededDurationSec(lines)),
      scenes: 1,
    });
    await this.request(dramaStreamFor('single_video', taskId), {
      type: 'RequestDrama',
      data: { dramaId: taskId, projectId, ownerId, request, now },
    });
    return { task_id: taskId, status: 'pending', video_url: null, created_at: now, notes };
  }

  /**
   * Every line the clip will speak, with its speaker and voice. Nothing is dropped: a script longer than
   * duration_sec lengthens a local clip (and says so), and is refused for a paid model (which is paid by
   * the second) or when even the longest clip could not hold it, with the length it needs.
   */
  private spokenLines(
    input: GenerateVideoInput,
    scene: TaskScene | null,
    video: string,
  ): { lines: VoicedTaskLine[]; notes: string[] } {
    const parsed = input.script
      ? parseTaskScript(input.script)
      : (scene?.dialogue ?? []).map((d) => ({ speaker: d.character, text: d.line }));
    if (parsed.length === 0) {
      throw invalid(
        'SCRIPT.EMPTY',
        scene
          ? 'script: must not be empty (the scene has no dialogue to speak)'
          : "script: must not be empty (or give a scene_id of one of this project's scenes with dialogue)",
        { field: 'script' },
      );
    }
    const lines = voiceTaskLines(parsed, taskLanguage(parsed), scene?.cast ?? []);
    const needed = neededDurationSec(lines);
    const notes: string[] = [];
    if (needed > MAX_TASK_SEC) {
      throw invalid(
        'SCRIPT.TOO_LONG',
        `script: speaking every line takes about ${needed} s, more than the ${MAX_TASK_SEC} s a clip may last: split it into several tasks`,
        { field: 'script', needed_duration_sec: needed, max_duration_sec: MAX_TASK_SEC },
      );
    }
    if (needed > input.duration_sec) {
      if (video !== 'local') {
        throw invalid(
          'SCRIPT.LONGER_THAN_CLIP',
          `duration_sec: speaking every line takes about ${needed} s; ask for duration_sec of at least ${needed}, or shorten the script`,
          { field: 'duration_sec', needed_duration_sec: needed },
        );
      }
      notes.push(
        `speaking every line takes about ${needed} s, more than duration_sec ${input.duration_sec}: the clip runs as long as its dialogue`,
      );
    }
    return { lines, notes };
  }

  /** The caller's scene named by scene_id, if it is one of this project's: its heading, cast and dialogue. */
  private async sceneOf(projectId: string, sceneRef: string): Promise<TaskScene | null> {
    if (!isUuid(sceneRef)) return null;
    const row = await this.readModels.scenes.find(sceneRef.toLowerCase());
    if (!row || row.project_id !== projectId) return null;
    if (row.drama_id) {
      const { state } = await loadAggregate(this.store, dramaStream.streamId(row.drama_id), dramaStream);
      if (state.status !== 'empty') {
        try {
          const context = sceneContext(state, row.id);
          return { heading: sceneHeading(context), cast: context.cast, dialogue: context.scene.dialogue };
        } catch {
          // A scene of a script since replaced: the row's own text below.
        }
      }
    }
    const place = [row.title, row.location].filter(Boolean).join(' · ');
    return {
      heading: place || row.title,
      cast: row.characters.map((c) => ({ ...c, gender: 'unknown' as const })),
      dialogue: row.dialogue,
    };
  }
}

interface TaskScene {
  heading: string;
  cast: VoiceCandidate[];
  dialogue: readonly { character: string; line: string }[];
}

@CommandHandler(ControlDramaCommand)
export class ControlDramaHandler extends DramaCommandBase implements ICommandHandler<ControlDramaCommand> {
  async execute({
    actorId,
    dramaId,
    action,
    kind,
  }: ControlDramaCommand): Promise<{ id: string; status: string }> {
    const now = this.now();
    const command: DramaCommand =
      action === 'pause'
        ? { type: 'PauseDrama', data: { actorId, now } }
        : action === 'resume'
          ? { type: 'ResumeDrama', data: { actorId, now } }
          : action === 'cancel'
            ? { type: 'CancelDrama', data: { actorId, reason: 'cancelled by the creator', now } }
            : { type: 'RegenerateScene', data: { actorId, sceneId: action.regenerateScene, now } };
    // Authorised by the drama's own stream (the decider answers 404 to anyone but its owner), so a
    // control right after generate-drama works whether or not the read model has the drama yet; a
    // deleted project's dramas and tasks are gone for everyone.
    const streamId = dramaStreamFor(kind, dramaId);
    const { state: drama } = await loadAggregate(this.store, streamId, dramaKindFor(streamId));
    if (drama.status !== 'empty') {
      const { state: project } = await loadAggregate(
        this.store,
        projectStream.streamId(drama.projectId),
        projectStream,
      );
      if (project.status !== 'active') {
        throw kind === 'single_video'
          ? notFound('TASK.NOT_FOUND', `task ${dramaId} not found`)
          : notFound('DRAMA.NOT_FOUND', `drama ${dramaId} not found`);
      }
    }
    const result = await this.request(streamId, command);
    const state = result.state;
    return { id: dramaId, status: state.status === 'empty' ? 'pending' : state.status };
  }
}

export const dramaCommandHandlers = [
  GenerateDramaHandler,
  GenerateScenesHandler,
  GenerateVideoHandler,
  ControlDramaHandler,
];
