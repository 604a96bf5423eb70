import { invalid } from '../shared/domain-error.js';
import { beatWeight, planStory, type ScenePlan } from './beats.js';
import { rescaleToTotal, splitDuration } from './durations.js';
import { naturalSceneSec, sceneSecFor } from './speech-time.js';
import {
  SCRIPT_LIMITS,
  requestLanguage,
  scriptRequestSchema,
  type Character,
  type Episode,
  type Scene,
  type Script,
  type ScriptRequest,
} from './script.schema.js';
import { castDrama, type Cast, type CastMember } from './template/cast.js';
import type { PromptThing } from './template/entities.js';
import { readPromptCues, type PromptCues } from './template/prompt-cues.js';
import { createRng, hashText, type Rng } from './template/seeded-random.js';
import { createSceneWriter, TARGET_TRAILING_SEC } from './template/scene-writer.js';
import { THREADS, placeSlots, thingSlots } from './template/threads.js';
import { capitalize, fill, inSpot, withArticle, withThe, type Slots } from './template/slots.js';
import { EN } from './template/story-text.en.js';
import type { GenreText, StoryText } from './template/story-text.js';
import { ZH } from './template/story-text.zh.js';
import { assignVoices } from './voices.js';
import type { Language } from './vocabulary.js';

/** Cuts at the last sentence end that fits, so a clipped text still reads as whole sentences. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const end = Math.max(head.lastIndexOf('。'), head.lastIndexOf('. '));
  return end > 0 ? head.slice(0, end + 1) : head;
}

/** How a child speaks to and of a parent; only family stories use these. */
function parentSlots(language: Language, d: CastMember): Slots {
  const mother = d.gender === 'female';
  if (d.role.key.startsWith('grand')) {
    const call = language === 'zh' ? d.job : mother ? 'Grandma' : 'Grandpa';
    return language === 'zh'
      ? { parentCall: call, parentRef: `你${call}`, parentNoun: call }
      : { parentCall: call, parentRef: `your ${call.toLowerCase()}`, parentNoun: d.job };
  }
  return language === 'zh'
    ? {
        parentCall: mother ? '妈' : '爸',
        parentRef: mother ? '你妈' : '你爸',
        parentNoun: mother ? '母亲' : '父亲',
      }
    : {
        parentCall: mother ? 'Mom' : 'Dad',
        parentRef: mother ? 'your mom' : 'your dad',
        parentNoun: mother ? 'mother' : 'father',
      };
}

/** The thing the story turns on: the first object the prompt names, else its first event. */
const keyThing = (cues: PromptCues): PromptThing | undefined =>
  cues.entities.things.find((t) => !t.event) ?? cues.entities.things[0];

const plural = (noun: string) => (/(?:s|sh|ch|x)$/.test(noun) ? `${noun}es` : `${noun}s`);

function storySlots(
  language: Language,
  cues: PromptCues,
  cast: Cast,
  genre: GenreText,
  incident: string,
  text: StoryText,
): Slots {
  const zh = language === 'zh';
  const { A, B, D } = cast;
  const place = cues.place ?? text.defaultPlace;
  const yearPlace = zh
    ? cues.place && cues.year
      ? `${cues.year} 年的${place}`
      : (cues.place ?? (cues.year ? `${cues.year} 年` : '这座城市里'))
    : [cues.place, cues.year].filter(Boolean).join(', ') || 'somewhere in the city';
  const pronouns = (m: CastMember) =>
    zh
      ? { he: m.gender === 'female' ? '她' : '他', his: m.gender === 'female' ? '她的' : '他的' }
      : { he: m.gender === 'female' ? 'she' : 'he', his: m.gender === 'female' ? 'her' : 'his' };
  const him = (m: CastMember) => (zh ? pronouns(m).he : m.gender === 'female' ? 'her' : 'him');
  const pick = (b: { zh: string; en: string }) => (zh ? b.zh : b.en);
  return {
    A: A.call,
    B: B.call,
    C: cast.C.call,
    D: D.call,
    roleA: A.job,
    roleB: B.job,
    whoA: (zh ? A.role.zh[0] : A.role.en[0]) ?? A.job,
    whoB: (zh ? B.role.zh[0] : B.role.en[0]) ?? B.job,
    aRoleA: zh ? A.job : withArticle(A.job),
    aRoleB: zh ? B.job : withArticle(B.job),
    phraseA: A.phrase,
    phraseB: B.phrase,
    place,
    yearPlace,
    spotA: zh ? A.work.spot.zh : withThe(A.work.spot.en),
    inSpotA: zh ? A.work.spot.zh : inSpot(A.work.spot.en),
    propA: pick(A.work.prop),
    propB: pick(B.work.prop),
    grindA: pick(A.work.grind),
    incident,
    want: genre.want,
    stake: genre.stake,
    pressure: genre.pressure,
    crisisEvent: genre.crisisEvent,
    dCall: genre.dCall,
    dRef: genre.dRef,
    dSurname: D.surname,
    dTitle: D.gender === 'female' ? 'Ms.' : 'Mr.',
    heA: pronouns(A).he,
    hisA: pronouns(A).his,
    himA: him(A),
    heD: pronouns(D).he,
    himD: him(D),
    ...parentSlots(language, D),
    // Two people with one job are "两个护士" / "two nurses", never "a nurse and a nurse".
    pairRoles:
      A.job === B.job
        ? zh
          ? `两个${A.job}`
          : `two ${plural(A.job)}`
        : zh
          ? `一个${A.job}，一个${B.job}`
          : `${withArticle(A.job)} and ${withArticle(B.job)}`,
    ...(cues.entities.places[0] === undefined
      ? {}
      : {
          spotA: zh ? cues.entities.places[0] : withThe(cues.entities.places[0]),
          inSpotA: zh ? cues.entities.places[0] : inSpot(cues.entities.places[0]),
        }),
    // The showdown happens where the prompt's story does, or else where the other lead works.
    climaxSpot:
      cues.entities.places.at(-1) ?? (cues.genre === 'romance' ? pick(B.work.spot) : genre.climaxSpot),
    ...(keyThing(cues) === undefined ? {} : thingSlots(keyThing(cues) as PromptThing, language)),
    ...(cues.entities.places[0] === undefined ? {} : placeSlots(cues.entities.places[0], language)),
  };
}

function describeCast(cast: Cast, language: Language, text: StoryText, genre: GenreText, rng: Rng) {
  const parent = cast.D.role.key === 'father' || cast.D.role.key === 'mother';
  const zh = language === 'zh';
  const { A, B, C, D } = cast;
  const lead = (m: CastMember, trait: string) =>
    zh
      ? `${m.phrase}，${m.age} 岁，${m.role.look.zh}。${trait}。`
      : `${capitalize(m.phrase)}, ${m.age} years old, in ${m.role.look.en}. ${trait}.`;
  return {
    A: lead(A, rng.pick(text.traits.A)),
    B: lead(B, rng.pick(text.traits.B)),
    C: zh
      ? `${A.name}的${text.cJob}兼好友，${C.age} 岁。${text.cTrait}。`
      : `${A.call}'s ${text.cJob} and friend, ${C.age} years old. ${text.cTrait}.`,
    D: zh
      ? `${parent ? `${A.name}的${D.job}` : genre.dJob}，${D.age} 岁。${genre.dTrait}。`
      : `${parent ? `${A.call}'s ${D.job}` : `The ${genre.dJob}`}, ${D.age} years old. ${genre.dTrait}.`,
  };
}

function episodeTitle(plans: readonly ScenePlan[], text: StoryText, incident: string): string {
  const primary = plans.reduce((best, p) =>
    beatWeight(p.primary) > beatWeight(best.primary) ? p : best,
  ).primary;
  return primary === 'inciting_incident' ? capitalize(incident) : text.beats[primary].title;
}

/** Repeated titles (long dramas revisit a beat) get a running number: 默契 · 二, Common Ground (2). */
function numberRepeats(titles: string[], language: Language): string[] {
  const zhNumbers = '一二三四五六七八九十';
  const seen = new Map<string, number>();
  return titles.map((t) => {
    const n = (seen.get(t) ?? 0) + 1;
    seen.set(t, n);
    if (n === 1) return t;
    return language === 'zh' ? `${t}·${zhNumbers[n - 1] ?? n}` : `${t} (${n})`;
  });
}

/**
 * Nobody speaks just once: someone with a single line across the drama gets a last word in the same
 * scene (the friend who drops in once does not vanish).
 */
function giveEveryoneASecondLine(scenes: Scene[], second: Record<keyof Cast, string>, cast: Cast): void {
  const count = new Map<string, number>();
  for (const d of scenes.flatMap((s) => s.dialogue))
    count.set(d.character, (count.get(d.character) ?? 0) + 1);
  for (const speaker of ['A', 'B', 'C', 'D'] as const) {
    const name = cast[speaker].name;
    if (count.get(name) !== 1) continue;
    const scene = scenes.find((s) => s.dialogue.some((d) => d.character === name)) as Scene;
    scene.dialogue.push({ character: name, line: second[speaker] });
  }
}

/**
 * Scene lengths follow their dialogue: each scene gets the time its lines fill (estimated at the
 * offline voices' pace, as the renderer lays them out), rescaled to whole seconds that add up to the
 * episode's length exactly.
 */
function fitDurations(scenes: Scene[], episodeSec: number): Scene[] {
  const needs = scenes.map((s) =>
    sceneSecFor(
      s.dialogue.map((d) => d.line),
      TARGET_TRAILING_SEC,
    ),
  );
  const shares = rescaleToTotal(needs, episodeSec);
  return scenes.map((s, i) => ({ ...s, duration_sec: shares[i] as number }));
}

/**
 * The offline writer: a deterministic three-act story built from the prompt's own words (place, year,
 * time, roles, genre). The same request always yields the same script; nothing here reads a clock or
 * Math.random. It is a template, and callers must label it as one.
 */
export function writeTemplateScript(request: ScriptRequest): Script {
  const parsed = scriptRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw invalid('SCRIPT.INVALID_REQUEST', 'the script request is invalid', {
      issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    });
  }
  const req = parsed.data;
  const language = requestLanguage(req);
  const zh = language === 'zh';
  const text = zh ? ZH : EN;
  // The story (cast, names, incident) depends on what is asked, not on its size: changing the episode
  // count keeps the same characters.
  const rng = createRng(
    hashText(JSON.stringify([req.prompt, req.title, req.description, req.genre, language])),
  );
  const cues = readPromptCues(req, language);
  const stockGenre = text.genres[cues.genre];
  const threads = THREADS[language];
  const { things, places } = cues.entities;
  // The second act goes one of two ways, chosen by the prompt (not by the shared random stream, so
  // the cast stays what it was); a midpoint secret is about the prompt's own thing or place.
  const turn = hashText(`turn:${req.prompt}`) % 2 === 1 ? threads.turns[cues.genre] : {};
  const genre: GenreText = {
    ...stockGenre,
    ...turn,
    ...(things.some((t) => !t.event)
      ? { midpoint: threads.thingMidpoint }
      : places.length > 0
        ? { midpoint: threads.placeMidpoint }
        : {}),
  };
  const cast = castDrama(cues, cues.genre, text, language, rng);
  // What sets the story off comes from the prompt when it names a thing or a place; only a prompt
  // that names neither gets one of the genre's stock incidents.
  const entitySlots = {
    ...(places[0] === undefined ? {} : placeSlots(places[0], language)),
    ...(things[0] === undefined ? {} : thingSlots(things[0], language)),
  };
  const object = things.find((t) => !t.event);
  const event = things.find((t) => t.event);
  const stock =
    object !== undefined
      ? rng.pick(threads.thingIncident)
      : event !== undefined
        ? threads.eventIncident
        : places[0] !== undefined
          ? rng.pick(threads.placeIncident)
          : rng.pick(genre.incidents);
  const key = object ?? event;
  const incidentSlots = { ...entitySlots, ...(key === undefined ? {} : thingSlots(key, language)) };
  const fromPrompt = object !== undefined || event !== undefined || places[0] !== undefined;
  // The prompt's own incident is written with its thing's slots; a stock one with the story's.
  const incident = fromPrompt
    ? {
        name: fill(stock.name, incidentSlots),
        lines: stock.lines.map(([who, line]) => [who, fill(line, incidentSlots)] as const),
      }
    : stock;
  const slots = storySlots(language, cues, cast, genre, incident.name, text);
  const descriptions = describeCast(cast, language, text, genre, rng);
  const { write, trim } = createSceneWriter({
    language,
    text,
    genre,
    incident,
    cast,
    slots,
    ...(cues.place === undefined ? {} : { place: cues.place }),
    ...(cues.city === undefined ? {} : { city: cues.city }),
    ...(cues.timeOfDay === undefined ? {} : { openingTime: cues.timeOfDay }),
    rng,
    places,
    things,
    totalScenes: req.episodes * req.scenes_per_episode,
  });

  const perEpisode = req.scenes_per_episode;
  const plans = planStory(req.episodes * perEpisode);
  const durations = splitDuration(req.episode_duration_sec, perEpisode);
  const titles = numberRepeats(
    Array.from({ length: req.episodes }, (_, e) =>
      episodeTitle(plans.slice(e * perEpisode, (e + 1) * perEpisode), text, incident.name),
    ),
    language,
  );
  const written = titles.map((_, e) =>
    plans
      .slice(e * perEpisode, (e + 1) * perEpisode)
      .map((plan, s) => write(plan, s + 1, durations[s] as number)),
  );
  // An episode whose scenes say more than its length holds loses its last time-filling exchanges,
  // longest scene first, so the renderer need not rush the speech.
  for (const scenes of written) {
    const natural = () =>
      scenes.reduce((sum, sc) => sum + naturalSceneSec(sc.dialogue.map((d) => d.line)), 0);
    while (natural() > req.episode_duration_sec * 1.02) {
      const longest = [...scenes].sort(
        (a, b) =>
          naturalSceneSec(b.dialogue.map((d) => d.line)) - naturalSceneSec(a.dialogue.map((d) => d.line)),
      );
      if (!longest.some((sc) => trim(sc))) break;
    }
  }
  giveEveryoneASecondLine(written.flat(), threads.second, cast);
  const episodes: Episode[] = titles.map((title, e) => {
    const scenes = fitDurations(written[e] as Scene[], req.episode_duration_sec);
    return {
      number: e + 1,
      title,
      summary: clip([...new Set(scenes.map((s) => s.description))].join(zh ? '' : ' '), 2000),
      scenes,
    };
  });

  const appearing = new Set(episodes.flatMap((e) => e.scenes.flatMap((s) => s.characters)));
  const characters: Character[] = assignVoices(
    (['A', 'B', 'C', 'D'] as const)
      .filter((s) => appearing.has(cast[s].name))
      .map((s) => ({
        name: cast[s].name,
        role: fill(genre.functions[s], slots),
        description: fill(descriptions[s], slots),
        gender: cast[s].gender,
      })),
    language,
  );
  return {
    title: clip(req.title ?? fill(genre.title, slots), SCRIPT_LIMITS.titleMax),
    logline: clip(fill(text.logline, slots), 500),
    language,
    genre: req.genre?.trim() || genre.label,
    characters,
    episodes,
  };
}
