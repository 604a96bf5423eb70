import { assertNever } from '../../shared/decider.js';
import { beatWeight, type Beat, type ScenePlan } from '../beats.js';
import type { Scene } from '../script.schema.js';
import type { Language, TimeOfDay } from '../vocabulary.js';
import type { Cast, CastMember } from './cast.js';
import { COMMON_SPOTS, type City, type CommonSpot } from './places.js';
import type { Rng } from './seeded-random.js';
import { capitalize, fill, withArticle, withThe, type Slots } from './slots.js';
import { STAGING, type SpotKind } from './staging.js';
import { GENRE_HOOKS, GENRE_UNIT, type GenreText, type StoryText, type Unit } from './story-text.js';

export interface StoryContext {
  language: Language;
  text: StoryText;
  genre: GenreText;
  incident: { name: string; lines: Unit };
  cast: Cast;
  slots: Slots;
  place?: string;
  city?: City;
  openingTime?: TimeOfDay;
  rng: Rng;
}

const isCommonSpot = (kind: SpotKind): kind is CommonSpot => kind in COMMON_SPOTS;

const MIN_LINES = 4;
const MAX_LINES = 8;

/** Longer scenes get more to say, within the 4–8 lines a scene of a short drama can carry. */
const lineBudget = (durationSec: number) => Math.min(MAX_LINES, MIN_LINES + Math.floor(durationSec / 30));

interface Pick {
  beat: Beat;
  units: Unit[];
  chosen: number[];
}

/** Returns a writer that turns scene plans into scenes; it rotates places and exchanges as the story goes. */
export function createSceneWriter(ctx: StoryContext) {
  const { language, text, genre, cast, rng } = ctx;
  const zh = language === 'zh';
  const uses = new Map<string, number>();
  const rotate = <T>(key: string, items: readonly T[]): T => {
    const n = uses.get(key) ?? 0;
    uses.set(key, n + 1);
    return items[n % items.length] as T;
  };
  const pools = new Map<Beat, { order: number[]; cursor: number }>();
  /** Development beats walk through their exchanges in a drama-specific order, so neighbours differ. */
  const poolOf = (beat: Beat, size: number) => {
    const existing = pools.get(beat);
    if (existing !== undefined) return existing;
    // The first exchange opens the beat (the pressure before the reactions); the rest come shuffled.
    const pool = { order: [0, ...rng.shuffle(Array.from({ length: size - 1 }, (_, i) => i + 1))], cursor: 0 };
    pools.set(beat, pool);
    return pool;
  };
  // Most cities list no landmarks of their own: they get the common waterside and footbridge.
  const landmarks = ctx.city?.landmarks.length
    ? ctx.city.landmarks
    : [COMMON_SPOTS.riverside, COMMON_SPOTS.footbridge];

  const spotText = (kind: SpotKind): string => {
    const pick = (b: { zh: string; en: string }) => (zh ? b.zh : b.en);
    if (isCommonSpot(kind)) return pick(COMMON_SPOTS[kind]);
    switch (kind) {
      case 'workA':
        return pick(cast.A.work.spot);
      case 'workB':
        return pick(cast.B.work.spot);
      case 'workD':
        return genre.dSpot;
      case 'climax':
        return genre.climaxSpot;
      case 'landmark':
        return pick(rotate('landmark', landmarks));
      default:
        return assertNever(kind);
    }
  };

  const unitsOf = (beat: Beat): { units: Unit[]; core?: number } => {
    const source = text.beats[beat];
    const hook = GENRE_HOOKS[beat];
    const units = source.units.map((u) => {
      if (u !== GENRE_UNIT) return u;
      if (hook === undefined) throw new Error(`beat ${beat} has a genre slot but no genre hook`);
      return hook === 'incident' ? ctx.incident.lines : genre[hook];
    });
    const genreAt = source.units.indexOf(GENRE_UNIT);
    return { units, core: genreAt >= 0 ? genreAt : source.core };
  };

  /**
   * The primary beat gets its core exchange plus as many more as the budget allows; other beats sharing
   * a short scene keep only their core, which is written to read at any time of day and in any place.
   */
  const chooseUnits = (beats: readonly Beat[], primary: Beat, budget: number): Pick[] => {
    const picks: Pick[] = beats.map((beat) => {
      const { units, core } = unitsOf(beat);
      if (core !== undefined) return { beat, units, chosen: [core] };
      const pool = poolOf(beat, units.length);
      return { beat, units, chosen: [pool.order[pool.cursor++ % units.length] as number] };
    });
    let total = picks.reduce((sum, p) => sum + (p.units[p.chosen[0] as number]?.length ?? 0), 0);
    const main = picks.find((p) => p.beat === primary);
    if (main === undefined) return picks;
    const { units, core } = unitsOf(primary);
    const pool = core === undefined ? poolOf(primary, units.length) : undefined;
    const candidates = pool
      ? Array.from(
          { length: units.length - 1 },
          (_, k) => pool.order[(pool.cursor + k) % units.length] as number,
        )
      : units.map((_, i) => i);
    for (const i of candidates) {
      const unit = units[i];
      if (total >= budget || unit === undefined) break;
      if (main.chosen.includes(i) || total + unit.length > MAX_LINES) {
        if (pool) break;
        continue;
      }
      main.chosen.push(i);
      total += unit.length;
      if (pool) pool.cursor++;
    }
    // Exchanges play in their written order: the pressure comes before the reactions to it.
    main.chosen.sort((x, y) => x - y);
    return picks;
  };

  const describeMember = (m: CastMember) =>
    zh
      ? `${m.job}${m.name}（${m.age} 岁，${m.role.look.zh}）`
      : `${m.name}, ${withArticle(m.job)} (${m.age}, ${m.role.look.en})`;

  return (plan: ScenePlan, number: number, durationSec: number): Scene => {
    const primary = plan.primary;
    const staging = STAGING[primary];
    const spot = spotText(rotate(`spot:${primary}`, staging.spots));
    const rotatedTime = rotate(`time:${primary}`, staging.times);
    // The story opens when the prompt says it does ("深夜", "at midnight").
    const time = plan.index === 0 ? (ctx.openingTime ?? rotatedTime) : rotatedTime;
    const slots: Slots = { ...ctx.slots, spot: zh ? spot : withThe(spot) };
    const say = (template: string) => fill(template, slots);

    const picks = chooseUnits(plan.beats, primary, lineBudget(durationSec));
    const dialogue = picks.flatMap((p) =>
      p.chosen.flatMap((i) =>
        (p.units[i] ?? []).map(([speaker, line]) => ({ character: cast[speaker].name, line: say(line) })),
      ),
    );
    const present = (['A', 'B', 'C', 'D'] as const)
      .map((s) => cast[s])
      .filter((m) => dialogue.some((d) => d.character === m.name));
    const beatsText = plan.beats.map((b) => text.beats[b]);
    const keyBeat = beatWeight(primary) > 0;
    const primaryActions = text.beats[primary].actions;
    const actions = keyBeat ? primaryActions : [rotate(`action:${primary}`, primaryActions)];
    const title = text.beats[primary].title;
    const location = ctx.place
      ? zh
        ? `${ctx.place}·${spot}`
        : `${capitalize(spot)}, ${ctx.place}`
      : capitalize(spot);
    const who = present.map(describeMember).join(zh ? '、' : '; ');
    const mood = `${say(text.beats[primary].visual)}${zh ? '，' : '; '}${genre.mood}`;
    return {
      number,
      title: keyBeat ? title : zh ? `${title}·${spot}` : `${title}: ${capitalize(spot)}`,
      location,
      time_of_day: time,
      description: beatsText.map((b) => say(b.summary)).join(zh ? '' : ' '),
      characters: present.map((m) => m.name),
      dialogue,
      actions: actions.map(say),
      visual_prompt: zh
        ? `${location}，${text.timeWords[time]}。${who}。${mood}。${text.style}`
        : `${location}, ${text.timeWords[time]}. ${who}. ${capitalize(mood)}. ${capitalize(text.style)}.`,
      duration_sec: durationSec,
      beat: primary,
    };
  };
}
