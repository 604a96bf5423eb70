import type { ImageRef } from '../../../application/ports/media-links.port.js';
import { z } from 'zod';
import {
  IMAGE_PROVIDERS,
  TTS_PROVIDERS,
  VIDEO_PROVIDERS,
} from '../../../application/dramas/drama-commands.js';
import { SCRIPT_LIMITS as L } from '../../../domain/script/script.schema.js';
import { MAX_TASK_SEC } from '../../../domain/script/task-script.js';
import { RESOLUTIONS } from '../../../domain/script/storyboard.js';
import { callbackUrl } from './callback-url.js';

const aspect = z.enum(['16:9', '9:16']).default('16:9');
/** Delivery resolution of the video: 720p (1280×720 or 720×1280) unless 1080p is asked for. */
const resolution = z.enum(RESOLUTIONS).default('720p');
const provider = (known: readonly string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .max(40)
    .refine((p) => known.includes(p), { message: `must be one of: ${known.join(', ')}` });

/** Below this a scene cannot hold even a line of dialogue. */
export const MIN_SCENE_SEC = 5;

export const generateDramaBody = z
  .strictObject({
    title: z.string().trim().min(1, 'must not be empty').max(L.titleMax),
    description: z.string().max(L.descriptionMax).default(''),
    genre: z.string().trim().max(L.genreMax).default(''),
    episodes: z.number().int().min(L.episodesMin).max(L.episodesMax),
    scenes_per_episode: z.number().int().min(L.scenesMin).max(L.scenesMax),
    duration_sec: z.number().int().min(L.durationMin).max(L.durationMax),
    prompt: z.string().trim().min(1, 'must not be empty').max(L.promptMax),
    video_provider: provider(VIDEO_PROVIDERS).default('local'),
    // Absent: the deployment's default (AI_IMAGE_PROVIDER / AI_TTS_PROVIDER, local unless configured).
    image_provider: provider(IMAGE_PROVIDERS).optional(),
    tts_provider: provider(TTS_PROVIDERS).optional(),
    use_local_llm: z.boolean().default(true),
    aspect_ratio: aspect,
    resolution,
    callback_url: callbackUrl,
  })
  .refine((b) => b.duration_sec / b.scenes_per_episode >= MIN_SCENE_SEC, {
    path: ['duration_sec'],
    message: `each scene would be shorter than ${MIN_SCENE_SEC} s: raise duration_sec or lower scenes_per_episode`,
  });
export type GenerateDramaBody = z.infer<typeof generateDramaBody>;

export const generateScenesBody = z.strictObject({
  prompt: z.string().trim().min(1, 'must not be empty').max(L.promptMax),
  use_local_llm: z.boolean().default(true),
});
export type GenerateScenesBody = z.infer<typeof generateScenesBody>;

/**
 * A /media/… URL from this server (becomes a media-store key), or any other http(s) URL (downloaded by
 * the job with size, type and time limits, and refused if it points at a private address in production).
 */
const imageUrl = z
  .string()
  .trim()
  .max(2048)
  .transform((value, ctx): ImageRef => {
    const media = (url: URL): ImageRef => ({
      kind: 'media',
      key: decodeURIComponent(url.pathname.slice('/media/'.length)),
      ...(url.searchParams.has('expires') ? { expires: url.searchParams.get('expires')! } : {}),
      ...(url.searchParams.has('signature') ? { signature: url.searchParams.get('signature')! } : {}),
    });
    try {
      if (/^\/media\/[^?#]+/.test(value)) return media(new URL(value, 'http://this-server'));
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      // A signed link of this server, wherever it is reached from, is a media object, not a download.
      if (url.pathname.startsWith('/media/') && url.searchParams.has('signature')) return media(url);
      return { kind: 'url', url: url.toString() };
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL or a /media/… URL from this server' });
      return z.NEVER;
    }
  });

export const generateVideoBody = z.strictObject({
  scene_id: z.string().trim().min(1).max(100),
  /** What is said (`Name: line` per line for a speaker); may be left out when scene_id names a scene with dialogue. */
  script: z.string().trim().max(5000).default(''),
  image_url: imageUrl.nullish().transform((v) => v ?? null),
  video_provider: provider(VIDEO_PROVIDERS).default('local'),
  tts_provider: provider(TTS_PROVIDERS).optional(),
  duration_sec: z.number().int().min(3).max(MAX_TASK_SEC).default(30),
  aspect_ratio: aspect,
  resolution,
  callback_url: callbackUrl,
});
export type GenerateVideoBody = z.infer<typeof generateVideoBody>;

const sceneText = (max: number) => z.string().trim().max(max);
export const createSceneBody = z.strictObject({
  episode: z.number().int().min(1).max(100),
  number: z.number().int().min(1).max(100),
  title: sceneText(100).min(1, 'must not be empty'),
  location: sceneText(100).default(''),
  description: sceneText(1000).default(''),
  characters: z
    .array(
      z.strictObject({
        name: sceneText(40).min(1, 'must not be empty'),
        role: sceneText(40).default(''),
        description: sceneText(500).default(''),
      }),
    )
    .max(20)
    .default([]),
  dialogue: z
    .array(
      z.strictObject({
        character: sceneText(40).min(1, 'must not be empty'),
        line: sceneText(300).min(1, 'must not be empty'),
      }),
    )
    .max(40)
    .default([]),
  duration_sec: z.number().min(1).max(600).default(30),
});
export type CreateSceneBody = z.infer<typeof createSceneBody>;
