import { assertNever } from '../../shared/decider.js';
import { beatWeight, type Beat, type ScenePlan } from '../beats.js';
import type { Scene } from '../script.schema.js';
import { sceneSecFor } from '../speech-time.js';
import type { Language, TimeOfDay } from '../vocabulary.js';
import type { Cast, CastMember } from './cast.js';
import type { PromptThing } from './entities.js';
import { COMMON_SPOTS, type City, type CommonSpot } from './places.js';
import type { Rng } from './seeded-random.js';
import { capitalize, fill, withArticle, withThe, type Slots } from './slots.js';
import { STAGING, type SpotKind } from './staging.js';
import { GENRE_HOOKS, GENRE_UNIT, type GenreText, type StoryText, type Unit } from './story-text.js';
import { THREADS, placeSlots, thingSlots, type Phase } from './threads.js';

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
  /** Places and things the prompt names, to be written into locations and dialogue. */
  places: readonly string[];
  things: readonly PromptThing[];
  /** Scenes in the whole drama, so every named place and thing is mentioned before the end. */
  totalScenes: number;
}

/** Silence a scene may leave after its last line (the renderer's 0.7 s tail included) before it counts as dead air. */
export const TARGET_TRAILING_SEC = 1.3;
/** Dialogue lines a scene may hold (the schema allows 40). */
const MAX_SCENE_LINES = 36;

const NIGHT_WORDS: Record<Language, RegExp> = {
  zh: /深夜|半夜|今晚|今夜|夜里|这么晚|这个点了|走光了|晚安|通宵|夜班|雨夜/,
  en: /\b(?:tonight|midnight|this late|so late|good night|late at night|for the night|gone home|night shift|all night)\b/i,
};
const MORNING_WORDS: Record<Language, RegExp> = {
  zh: /早上好|今天早上|清晨|天亮了|日出/,
  en: /\b(?:good morning|this morning|sunrise|at dawn)\b/i,
};

/** The time the dialogue itself speaks of, if it speaks of one; it wins over the staging. */
export function timeInDialogue(lines: readonly string[], language: Language): TimeOfDay | undefined {
  const text = lines.join('\n');
  const night = text.search(NIGHT_WORDS[language]);
  const morning = text.search(MORNING_WORDS[language]);
  if (night >= 0 && (morning < 0 || night < morning)) return 'night';
  if (morning >= 0) return 'dawn';
  return undefined;
}

/** Whether `time` contradicts what the lines say ("tonight" in a day scene, "good morning" at night). */
export function timeContradicts(time: TimeOfDay, lines: readonly string[], language: Language): boolean {
  const text = lines.join('\n');
  if ((time === 'day' || time === 'dawn') && NIGHT_WORDS[language].test(text)) return true;
  return time === 'night' && MORNING_WORDS[language].test(text);
}

const isCommonSpot = (kind: SpotKind): kind is CommonSpot => kind in COMMON_SPOTS;

const MIN_LINES = 2;
const MAX_LINES = 12;

/**
 * Lines of the scene's own beats: about one for every 6 s in Chinese and 5 s in English (the length
 * of a template line and its pause), 2–12; the rest of the scene's time goes to the prompt's places
 * and things.
 */
const lineBudget = (durationSec: number, language: Language) =>
  Math.min(MAX_LINES, Math.max(MIN_LINES, Math.floor(durationSec / (language === 'zh' ? 6 : 5))));

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
        return ctx.places[0] ?? pick(cast.A.work.spot);
      case 'workB':
        return pick(cast.B.work.spot);
      case 'workD':
        return genre.dSpot;
      case 'climax':
        return ctx.slots['climaxSpot'] ?? genre.climaxSpot;
      case 'landmark':
        return ctx.places.length > 1
          ? rotate('landmark', [...ctx.places.slice(1), ...landmarks.map(pick)])
          : pick(rotate('landmark', landmarks));
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

  const threads = THREADS[language];
  type Entity = { kind: 'thing'; thing: PromptThing } | { kind: 'place'; place: string };
  const entities: Entity[] = [];
  for (let i = 0; i < Math.max(ctx.things.length, ctx.places.length); i++) {
    const place = ctx.places[i];
    const thing = ctx.things[i];
    if (thing !== undefined) entities.push({ kind: 'thing', thing });
    if (place !== undefined) entities.push({ kind: 'place', place });
  }
  const mentioned = new Set<Entity>();
  const spoken = new Set<string>();
  const entityText = (e: Entity) => (e.kind === 'thing' ? e.thing.text : e.place);
  const entitySlots = (e: Entity): Slots =>
    e.kind === 'thing' ? thingSlots(e.thing, language) : placeSlots(e.place, language);
  /** An exchange about `e` for this point of the story that the drama has not used yet. */
  const threadUnit = (e: Entity, phase: Phase): { unit: Unit; slots: Slots } | undefined => {
    const pools = e.kind === 'place' ? threads.place : e.thing.event ? threads.event : threads.thing;
    const order: Phase[] = [phase, ...(['early', 'middle', 'late'] as const).filter((p) => p !== phase)];
    for (const p of order) {
      for (const unit of pools[p]) {
        const slots = { ...ctx.slots, ...entitySlots(e) };
        if (!spoken.has(fill(unit[0]?.[1] ?? '', slots))) return { unit, slots };
      }
    }
    return undefined;
  };
  const cursors = new Map<string, number>();
  /** The next exchange of `units` the drama has not used yet, walking the list once per drama. */
  const nextUnused = (key: string, units: readonly Unit[]): Unit | undefined => {
    const at = cursors.get(key) ?? 0;
    for (let k = 0; k < units.length; k++) {
      const unit = units[(at + k) % units.length] as Unit;
      if (!spoken.has(fill(unit[0]?.[1] ?? '', ctx.slots))) {
        cursors.set(key, at + k + 1);
        return unit;
      }
    }
    return undefined;
  };
  /** Development beats of each act, whose unused exchanges a long scene may still draw on. */
  const ACT_POOLS: Record<1 | 2 | 3, Beat[]> = {
    1: ['setup'],
    2: ['rising_action', 'complication'],
    3: ['regroup', 'aftermath'],
  };
  const actUnit = (plan: ScenePlan): Unit | undefined => {
    for (const beat of ACT_POOLS[plan.act]) {
      const units = text.beats[beat].units.filter((u): u is Unit => u !== GENRE_UNIT);
      const unit = nextUnused(`act:${beat}`, units);
      if (unit !== undefined) return unit;
    }
    return undefined;
  };
  const phaseOf = (plan: ScenePlan): Phase =>
    plan.act === 1 ? 'early' : plan.act === 2 && plan.primary !== 'crisis' ? 'middle' : 'late';

  const describeMember = (m: CastMember) =>
    zh
      ? `${m.job}${m.name}（${m.age} 岁，${m.role.look.zh}）`
      : `${m.name}, ${withArticle(m.job)} (${m.age}, ${m.role.look.en})`;

  /** For each written scene, the sizes of the exchanges added only to fill time, last one last. */
  const fillers = new WeakMap<Scene, number[]>();
  const secondary = new WeakMap<Scene, { start: number; size: number }[]>();
  const write = (plan: ScenePlan, number: number, durationSec: number): Scene => {
    const primary = plan.primary;
    const staging = STAGING[primary];
    const spot = spotText(rotate(`spot:${primary}`, staging.spots));
    const rotatedTime = rotate(`time:${primary}`, staging.times);
    // The story opens when the prompt says it does ("深夜", "at midnight").
    const stagedTime = plan.index === 0 ? (ctx.openingTime ?? rotatedTime) : rotatedTime;
    const slots: Slots = { ...ctx.slots, spot: zh ? spot : withThe(spot) };
    const say = (template: string) => fill(template, slots);

    const picks = chooseUnits(plan.beats, primary, lineBudget(durationSec, language));
    const dialogue = picks.flatMap((p) =>
      p.chosen.flatMap((i) =>
        (p.units[i] ?? []).map(([speaker, line]) => ({ character: cast[speaker].name, line: say(line) })),
      ),
    );
    // Exchanges of the other beats a short scene carries: the second thing to go when it is too full.
    const others: { start: number; size: number }[] = [];
    let at = 0;
    for (const p of picks) {
      const size = p.chosen.reduce((sum, i) => sum + (p.units[i]?.length ?? 0), 0);
      if (p.beat !== primary && size > 0) others.push({ start: at, size });
      at += size;
    }
    const add = (unit: Unit, unitSlots: Slots) => {
      for (const [speaker, line] of unit)
        dialogue.push({ character: cast[speaker].name, line: fill(line, unitSlots) });
    };
    const full = () =>
      dialogue.length >= MAX_SCENE_LINES ||
      sceneSecFor(
        dialogue.map((d) => d.line),
        TARGET_TRAILING_SEC,
      ) >= durationSec;
    const heard = () => [spot, ...dialogue.map((d) => d.line)].join('\n');
    for (const e of entities) if (heard().includes(entityText(e))) mentioned.add(e);
    // Every place and thing the prompt names is mentioned early on, and by the last scene at the latest.
    const pending = () => entities.filter((e) => !mentioned.has(e));
    // A scene takes up to two of them while it has time; later scenes can take two each.
    const scenesLeft = Math.max(1, ctx.totalScenes - plan.index);
    let owed = Math.max(0, pending().length - 2 * (scenesLeft - 1));
    let extra = 2;
    for (const e of pending()) {
      if (owed <= 0 && (full() || extra <= 0)) break;
      if (owed <= 0) extra--;
      const found = threadUnit(e, phaseOf(plan));
      if (found === undefined) continue;
      add(found.unit, found.slots);
      for (const d of dialogue) spoken.add(d.line);
      mentioned.add(e);
      owed--;
    }
    // Then the scene gets as much to say as its length holds: more about the prompt's places and
    // things, then small talk, never a line the drama has already used.
    const added: number[] = [];
    let turn = plan.index;
    let misses = 0;
    while (!full() && misses < 4) {
      const source = turn % 4;
      let unit: Unit | undefined;
      let unitSlots = ctx.slots;
      if (source <= 1 && entities.length > 0) {
        const found = threadUnit(entities[turn % entities.length] as Entity, phaseOf(plan));
        if (found !== undefined) ({ unit, slots: unitSlots } = found);
      } else if (source === 2) {
        unit = nextUnused('work', threads.work) ?? nextUnused('filler', threads.filler);
      } else {
        unit = nextUnused('filler', threads.filler) ?? actUnit(plan);
      }
      if (unit === undefined) unit = actUnit(plan);
      if (unit !== undefined) {
        add(unit, unitSlots);
        added.push(unit.length);
        for (const d of dialogue) spoken.add(d.line);
      }
      misses = unit === undefined ? misses + 1 : 0;
      turn++;
    }
    for (const d of dialogue) spoken.add(d.line);
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
    // What the characters say about the hour wins over the staging: no "tonight" in a day scene.
    const lines = dialogue.map((d) => d.line);
    const time = timeContradicts(stagedTime, lines, language)
      ? (timeInDialogue(lines, language) ?? stagedTime)
      : stagedTime;
    const mood = `${say(text.beats[primary].visual)}${zh ? '，' : '; '}${genre.mood}`;
    const scene: Scene = {
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
    fillers.set(scene, added);
    secondary.set(scene, others);
    return scene;
  };
  /**
   * Takes an exchange out of a scene that says more than its length holds: the last one added only to
   * fill time, else the last exchange of a secondary beat (the primary beat's stays). False when
   * nothing is left to take.
   */
  const trim = (scene: Scene): boolean => {
    const size = fillers.get(scene)?.pop();
    if (size !== undefined) {
      scene.dialogue.splice(scene.dialogue.length - size, size);
    } else {
      const other = secondary.get(scene)?.pop();
      if (other === undefined) return false;
      scene.dialogue.splice(other.start, other.size);
    }
    scene.characters = scene.characters.filter((name) => scene.dialogue.some((d) => d.character === name));
    return true;
  };
  return { write, trim };
}
