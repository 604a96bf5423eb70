/**
 * The three-act skeleton shared by every writer. Key beats sit at fixed fractions of the whole drama, so
 * a 1-scene drama and a 200-scene one tell the same story at different resolutions; scenes between key
 * beats develop the act they are in.
 */
export const BEATS = [
  'opening',
  'setup',
  'inciting_incident',
  'first_turn',
  'rising_action',
  'midpoint',
  'complication',
  'crisis',
  'regroup',
  'climax',
  'aftermath',
  'resolution',
] as const;
export type Beat = (typeof BEATS)[number];
export type Act = 1 | 2 | 3;

export const BEAT_ACT: Record<Beat, Act> = {
  opening: 1,
  setup: 1,
  inciting_incident: 1,
  first_turn: 1,
  rising_action: 2,
  midpoint: 2,
  complication: 2,
  crisis: 2,
  regroup: 3,
  climax: 3,
  aftermath: 3,
  resolution: 3,
};

interface KeyBeat {
  beat: Beat;
  at: number;
  weight: number;
  /** The beat that develops the story after this one, until the next key beat. */
  then: Beat;
}

const KEY_BEATS: readonly KeyBeat[] = [
  { beat: 'opening', at: 0, weight: 2, then: 'setup' },
  { beat: 'inciting_incident', at: 0.12, weight: 7, then: 'setup' },
  { beat: 'first_turn', at: 0.22, weight: 4, then: 'rising_action' },
  { beat: 'midpoint', at: 0.5, weight: 6, then: 'complication' },
  { beat: 'crisis', at: 0.72, weight: 5, then: 'regroup' },
  { beat: 'climax', at: 0.86, weight: 9, then: 'aftermath' },
  { beat: 'resolution', at: 1, weight: 8, then: 'aftermath' },
];

/** How much a beat matters when a scene or an episode must be named after one of its beats. */
export const beatWeight = (beat: Beat): number => KEY_BEATS.find((k) => k.beat === beat)?.weight ?? 0;

/** A short scene cannot carry more than this many beats and still give each one a real exchange. */
export const MAX_BEATS_PER_SCENE = 3;

export interface ScenePlan {
  /** 0-based position of the scene in the whole drama. */
  index: number;
  act: Act;
  /** Beats this scene carries, in story order; never empty. */
  beats: Beat[];
  /** The most important of them. */
  primary: Beat;
}

export function planStory(totalScenes: number): ScenePlan[] {
  if (!Number.isInteger(totalScenes) || totalScenes < 1) throw new RangeError('totalScenes must be ≥ 1');
  const slots: KeyBeat[][] = Array.from({ length: totalScenes }, () => []);
  for (const key of KEY_BEATS) {
    slots[Math.min(totalScenes - 1, Math.floor(key.at * totalScenes))]?.push(key);
  }
  let previous: KeyBeat = KEY_BEATS[0] as KeyBeat;
  return slots.map((keys, index) => {
    const position = (index + 0.5) / totalScenes;
    const act: Act = position < 0.25 ? 1 : position < 0.75 ? 2 : 3;
    const last = keys.at(-1);
    if (last === undefined) return { index, act, beats: [previous.then], primary: previous.then };
    previous = last;
    const kept = [...keys]
      .sort((a, b) => b.weight - a.weight)
      .slice(0, MAX_BEATS_PER_SCENE)
      .sort((a, b) => a.at - b.at);
    const primary = kept.reduce((best, k) => (k.weight > best.weight ? k : best)).beat;
    return { index, act, beats: kept.map((k) => k.beat), primary };
  });
}
