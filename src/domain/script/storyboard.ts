import { z } from 'zod';
import { assertNever } from '../shared/decider.js';
import type { Beat } from './beats.js';
import { splitDuration } from './durations.js';
import type { Scene } from './script.schema.js';
import type { TimeOfDay } from './vocabulary.js';

export const ASPECT_RATIOS = ['16:9', '9:16'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** Delivery resolution: the short side of the frame. 720p unless the creator asks for 1080p. */
export const RESOLUTIONS = ['720p', '1080p'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const FRAMINGS = ['wide', 'medium', 'close-up', 'over-the-shoulder', 'two-shot', 'insert'] as const;
export type Framing = (typeof FRAMINGS)[number];

export const CAMERAS = ['static', 'slow push-in', 'pan left', 'pan right', 'tilt up', 'handheld'] as const;
export type Camera = (typeof CAMERAS)[number];

export const shotSchema = z.object({
  number: z.number().int().min(1),
  framing: z.enum(FRAMINGS),
  camera: z.enum(CAMERAS),
  lighting: z.string().min(1),
  visual_prompt: z.string().min(1),
  duration_sec: z.number().positive(),
});
export type Shot = z.infer<typeof shotSchema>;

/** About one shot every six seconds, the pace of a short drama; never fewer than one. */
export const SECONDS_PER_SHOT = 6;
export const shotCount = (durationSec: number) => Math.max(1, Math.round(durationSec / SECONDS_PER_SHOT));

const INTERIOR =
  /室|办公|房|屋|店|馆|厅|厨|间|部|廊|站台|车里|后台|片场|摄影棚|会场|现场|office|room|studio|flat|apartment|shop|store|café|cafe|bar|kitchen|corridor|lab|library|hall|backstage|cab|station|platform|set|floor|desk|cubicle|party|launch/i;

const LIGHT: Record<TimeOfDay, { inside: string; outside: string }> = {
  dawn: {
    inside: 'pale dawn light through the windows, cool fill, a few lamps still on',
    outside: 'cool blue dawn light with a warm rim from the rising sun, soft low contrast',
  },
  day: {
    inside: 'bright diffuse window light with clean overhead fill',
    outside: 'natural daylight, soft overhead sun, gentle shadows',
  },
  dusk: {
    inside: 'warm amber sunset through the blinds mixed with practical lamps',
    outside: 'golden-hour backlight, long warm shadows, glowing sky',
  },
  night: {
    inside: 'low-key practical lighting, warm lamps against cool screen glow',
    outside: 'street lamps and neon signs, deep shadows, reflections on wet pavement',
  },
};

const TENSE: ReadonlySet<Beat> = new Set(['complication', 'crisis', 'climax']);

function beatLightAccent(beat: Beat | undefined): string {
  switch (beat) {
    case 'crisis':
      return ', hard shadows';
    case 'climax':
      return ', high contrast';
    case 'resolution':
      return ', hopeful glow';
    case undefined:
    case 'opening':
    case 'setup':
    case 'inciting_incident':
    case 'first_turn':
    case 'rising_action':
    case 'midpoint':
    case 'complication':
    case 'regroup':
    case 'aftermath':
      return '';
    default:
      return assertNever(beat);
  }
}

export function sceneLighting(scene: Pick<Scene, 'time_of_day' | 'location' | 'beat'>): string {
  const light = LIGHT[scene.time_of_day];
  return (INTERIOR.test(scene.location) ? light.inside : light.outside) + beatLightAccent(scene.beat);
}

interface ShotPlan {
  framing: Framing;
  camera: Camera;
  subject: string;
}

const quote = (line: string) => `"${line}"`;

/** The middle of a scene follows its dialogue: who speaks, who listens, and a detail now and then. */
function middleShot(scene: Scene, j: number, count: number): ShotPlan {
  const tense = scene.beat !== undefined && TENSE.has(scene.beat);
  const moving: Camera = tense ? 'handheld' : 'static';
  const line = scene.dialogue[Math.floor((j * scene.dialogue.length) / Math.max(1, count))];
  const speaker = line?.character ?? scene.characters[0];
  const listener = scene.characters.find((c) => c !== speaker);
  const said = line ? ` saying ${quote(line.line)}` : '';
  const detail = scene.actions[Math.floor(j / 4) % Math.max(1, scene.actions.length)];
  if (j % 4 === 3 && detail !== undefined) return { framing: 'insert', camera: 'static', subject: detail };
  if (speaker === undefined) return { framing: 'medium', camera: moving, subject: scene.description };
  if (listener === undefined) {
    return j % 2 === 0
      ? { framing: 'medium', camera: moving, subject: `${speaker}${said}` }
      : { framing: 'close-up', camera: 'slow push-in', subject: `${speaker}${said}` };
  }
  if (j === 0) return { framing: 'two-shot', camera: moving, subject: `${speaker} and ${listener}${said}` };
  return j % 2 === 1
    ? {
        framing: 'over-the-shoulder',
        camera: moving,
        subject: `over ${listener}'s shoulder onto ${speaker}${said}`,
      }
    : { framing: 'close-up', camera: 'slow push-in', subject: `${speaker}${said}` };
}

function openingShot(scene: Scene, aspect: AspectRatio): ShotPlan {
  const camera: Camera = aspect === '9:16' ? 'tilt up' : scene.number % 2 === 1 ? 'pan right' : 'pan left';
  const who = scene.characters.length > 0 ? `, ${scene.characters.join(', ')} in frame` : '';
  return { framing: 'wide', camera, subject: `establishing view of ${scene.location}${who}` };
}

function closingShot(scene: Scene): ShotPlan {
  const last = scene.dialogue.at(-1);
  const lead = last?.character ?? scene.characters[0] ?? scene.location;
  switch (scene.beat) {
    case 'midpoint':
    case 'crisis':
    case 'climax':
      return { framing: 'close-up', camera: 'slow push-in', subject: `${lead}, the moment sinking in` };
    case 'opening':
    case 'aftermath':
    case 'resolution':
      return {
        framing: 'wide',
        camera: 'static',
        subject: `${scene.location}, the scene settling, ${lead} in frame`,
      };
    case undefined:
    case 'setup':
    case 'inciting_incident':
    case 'first_turn':
    case 'rising_action':
    case 'complication':
    case 'regroup':
      return { framing: 'medium', camera: 'static', subject: `${lead}, reacting` };
    default:
      return assertNever(scene.beat);
  }
}

const COMPOSITION: Record<AspectRatio, string> = {
  '16:9': 'widescreen 16:9 frame, rule-of-thirds composition',
  '9:16': 'vertical 9:16 frame, subject centred, space below for subtitles',
};

/**
 * Splits a scene into shots: an establishing wide, shots that follow the dialogue, and a closing shot
 * that fits the beat. Deterministic; the shot durations add up exactly to the scene's duration.
 */
export function buildStoryboard(scene: Scene, options: { aspect_ratio: AspectRatio }): Shot[] {
  const count = shotCount(scene.duration_sec);
  const durations = splitDuration(scene.duration_sec, count);
  const lighting = sceneLighting(scene);
  const middleCount = Math.max(0, count - 2);
  const plans: ShotPlan[] =
    count === 1
      ? [openingShot(scene, options.aspect_ratio)]
      : [
          openingShot(scene, options.aspect_ratio),
          ...Array.from({ length: middleCount }, (_, j) => middleShot(scene, j, middleCount)),
          closingShot(scene),
        ];
  return plans.map((plan, i) => ({
    number: i + 1,
    framing: plan.framing,
    camera: plan.camera,
    lighting,
    visual_prompt: `${plan.framing === 'two-shot' ? 'two-shot' : `${plan.framing} shot`}, ${plan.camera} camera: ${plan.subject}. Lighting: ${lighting}. ${COMPOSITION[options.aspect_ratio]}. ${scene.visual_prompt}`,
    duration_sec: durations[i] as number,
  }));
}
