import type { Gender, Language, TimeOfDay } from '../vocabulary.js';
import { readPromptEntities, type PromptEntities } from './entities.js';
import { CITIES, type City } from './places.js';
import { ROLES, roleByKey, type RoleInfo } from './roles.js';
import { GENRES, type GenreKey } from './story-text.js';

export interface RoleCue {
  role: RoleInfo;
  /** The word the prompt used for the job ("外卖小哥", "delivery rider"). */
  word?: string;
  /** The prompt's own words for this person ("996 的程序员", "an overworked programmer"), if short. */
  phrase?: string;
  gender?: Gender;
}

export interface PromptCues {
  /** The place as the prompt names it; undefined when it names none. */
  place?: string;
  city?: City;
  year?: string;
  timeOfDay?: TimeOfDay;
  roles: RoleCue[];
  genre: GenreKey;
  /** Named people, places and things, in the prompt's words. */
  entities: PromptEntities;
  /** The prompt (and description) as written. */
  source: string;
}

interface CueSource {
  prompt: string;
  title?: string;
  description?: string;
  genre?: string;
}

const RELATIONS = new Set(['colleague', 'neighbor', 'roommate', 'stranger']);

const GENRE_WORDS: Record<GenreKey, RegExp> = {
  romance:
    /爱情|恋爱|爱上|遇见|相遇|邂逅|心动|暗恋|表白|约会|甜宠|婚|romance|romantic|\blove|falls? for|crush|dating|wedding|\bmeets?\b/gi,
  mystery:
    /悬疑|推理|谋杀|凶手|命案|案件|失踪|秘密|尸体|侦探|犯罪|惊悚|mystery|murder|detective|missing|secret|crime|thriller|killer/gi,
  workplace:
    /职场|公司|加班|996|升职|裁员|项目|创业|商战|上司|office|workplace|startup|promotion|layoff|career|deadline/gi,
  comedy: /喜剧|搞笑|爆笑|乌龙|沙雕|幽默|comedy|comic|funny|hilarious|sitcom/gi,
  family: /家庭|亲情|父亲|母亲|爸爸|妈妈|老家|回家|family|father|mother|\bdad\b|\bmom\b|hometown/gi,
};

function detectGenre(source: CueSource): GenreKey {
  const explicit = source.genre?.trim();
  if (explicit) {
    const named = GENRES.find((g) => new RegExp(GENRE_WORDS[g].source, 'i').test(explicit));
    if (named !== undefined) return named;
  }
  const text = [source.genre, source.title, source.description, source.prompt].filter(Boolean).join(' ');
  const scored = GENRES.map((g) => ({ g, score: text.match(GENRE_WORDS[g])?.length ?? 0 }));
  const best = scored.reduce((a, b) => (b.score > a.score ? b : a));
  return best.score > 0 ? best.g : 'romance';
}

const ZH_TIMES: [RegExp, TimeOfDay][] = [
  [/深夜|午夜|凌晨|夜晚|夜里|晚上|半夜|夜/, 'night'],
  [/清晨|黎明|早晨|破晓|早上/, 'dawn'],
  [/黄昏|傍晚|日落/, 'dusk'],
  [/中午|午后|白天|下午|上午/, 'day'],
];
const EN_TIMES: [RegExp, TimeOfDay][] = [
  [/\b(?:midnight|night|nighttime|late at night)\b/i, 'night'],
  [/\b(?:dawn|sunrise|daybreak|morning)\b/i, 'dawn'],
  [/\b(?:dusk|sunset|evening|twilight)\b/i, 'dusk'],
  [/\b(?:noon|afternoon|daytime|midday)\b/i, 'day'],
];

/** The time word that appears first in the text wins. */
function detectTime(text: string, table: [RegExp, TimeOfDay][]): TimeOfDay | undefined {
  const hits = table
    .map(([pattern, time]) => ({ time, at: text.search(pattern) }))
    .filter((h) => h.at >= 0)
    .sort((a, b) => a.at - b.at);
  return hits[0]?.time;
}

function firstCity(text: string, language: Language): City | undefined {
  const hits = CITIES.map((city) => {
    const name = language === 'zh' ? city.zh : city.en;
    if (name === undefined) return { city, at: -1 };
    const at = language === 'zh' ? text.indexOf(name) : text.search(new RegExp(`\\b${name}\\b`));
    return { city, at };
  })
    .filter((h) => h.at >= 0)
    .sort((a, b) => a.at - b.at);
  return hits[0]?.city;
}

const ZH_PLACE_AFTER_VERB =
  /(?:在|来到了?|回到了?|去了|到了)\s*([\u4e00-\u9fff]{1,5}?(?:市|镇|村|县|城|岛|港|省|州|乡|湾))/;
const ZH_FIRST_SEGMENT = /^\s*([\u4e00-\u9fff]{2,6})\s*[，,]/;
const EN_IN_PLACE = /\b[Ii]n\s+([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})/;
const EN_FIRST_SEGMENT = /^\s*([A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})\s*,/;

const mentionsRole = (segment: string) => ROLES.some((r) => r.zh.some((w) => segment.includes(w)));

function detectPlace(text: string, language: Language): { place?: string; city?: City } {
  const city = firstCity(text, language);
  if (city !== undefined) return { place: language === 'zh' ? city.zh : city.en, city };
  if (language === 'zh') {
    const named = ZH_PLACE_AFTER_VERB.exec(text)?.[1];
    if (named !== undefined) return { place: named };
    const segment = ZH_FIRST_SEGMENT.exec(text)?.[1];
    if (segment !== undefined && !/[的了是个一]/.test(segment) && !mentionsRole(segment))
      return { place: segment };
    return {};
  }
  const place = EN_IN_PLACE.exec(text)?.[1] ?? EN_FIRST_SEGMENT.exec(text)?.[1];
  return place !== undefined && !/^(?:A|An|The|One|When|After|Before)$/.test(place) ? { place } : {};
}

const ZH_CHUNKS = /[，,。！？!?；;、\n]|遇见了?|遇到了?|爱上了?|邂逅了?|重逢了?|碰见了?|认识了?|和|与/;
const EN_CHUNKS = /[,.;!?\n]|\b(?:meets?|met|falls? for|fell for|and|with|versus|vs)\b/i;

const wordAt = (chunk: string, word: string, language: Language) =>
  language === 'zh'
    ? chunk.indexOf(word)
    : chunk.toLowerCase().search(new RegExp(`\\b${word.toLowerCase()}s?\\b`));

const EN_DEPARTMENTS: Record<string, string> = {
  design: 'designer',
  engineering: 'programmer',
  it: 'programmer',
  product: 'product_manager',
  marketing: 'marketer',
  sales: 'sales',
  finance: 'accountant',
  legal: 'lawyer',
  hr: 'hr',
};
const EN_DEPARTMENT =
  /\b(design|engineering|it|product|marketing|sales|finance|legal|hr)\s+(?:department|dept|team)\b/i;

function departmentRole(chunk: string, language: Language): RoleInfo | undefined {
  if (language === 'zh') return ROLES.find((r) => (r.departments ?? []).some((d) => chunk.includes(d)));
  const key = EN_DEPARTMENTS[EN_DEPARTMENT.exec(chunk)?.[1]?.toLowerCase() ?? ''];
  return key === undefined ? undefined : roleByKey(key);
}

/** An explicit job beats a department (设计部), which beats a relation (同事). */
function knownRole(chunk: string, language: Language): { role: RoleInfo; word?: string } | undefined {
  const hits = ROLES.flatMap((role) =>
    (language === 'zh' ? role.zh : role.en).map((word) => ({
      role,
      word,
      at: wordAt(chunk, word, language),
    })),
  )
    .filter((h) => h.at >= 0)
    .sort((a, b) => a.at - b.at || b.word.length - a.word.length);
  const job = hits.find((h) => !RELATIONS.has(h.role.key));
  if (job !== undefined) return { role: job.role, word: job.word };
  const department = departmentRole(chunk, language);
  if (department !== undefined) return { role: department };
  return hits[0] && { role: hits[0].role, word: hits[0].word };
}

/** A person the prompt names with a word we do not know: "一个外星人", "a lonely astronaut". */
function customRole(chunk: string, language: Language): { role: RoleInfo; word: string } | undefined {
  const noun =
    language === 'zh'
      ? /(?:一个|一位|一名|一只)\s*(?:[^的，,。]{0,8}的)?\s*([\u4e00-\u9fff]{2,4}?)(?=[来去在发遇爱和与是有被把走住想要从到说看找回的，,。！？]|$)/.exec(
          chunk,
        )?.[1]
      : /^\s*(?:a|an)\s+(?:[a-z-]+\s+)?([a-z-]{3,20})\s*$/i.exec(chunk)?.[1]?.toLowerCase();
  if (noun === undefined) return undefined;
  const base = roleByKey('stranger');
  return { role: { ...base, key: `custom:${noun}`, zh: [noun], en: [noun] }, word: noun };
}

function genderIn(chunk: string, language: Language): Gender | undefined {
  const [female, male] =
    language === 'zh'
      ? [/女|她|姑娘|女孩|女生/, /男|他|小伙|男孩|男生/]
      : [/\b(?:woman|female|girl|lady|she|her)\b/i, /\b(?:man|male|guy|boy|he|his)\b/i];
  if (female.test(chunk)) return 'female';
  if (male.test(chunk)) return 'male';
  return undefined;
}

/** The prompt's words for a person, up to the word naming them: "996 的程序员", "an overworked programmer". */
function phraseFor(chunk: string, role: RoleInfo, language: Language): string | undefined {
  if (language === 'zh') {
    const words = [...ROLES.flatMap((r) => [...r.zh, ...(r.departments ?? [])]), ...role.zh];
    const end = Math.max(
      ...words.map((w) => (chunk.lastIndexOf(w) < 0 ? -1 : chunk.lastIndexOf(w) + w.length)),
    );
    const phrase = chunk
      .slice(0, end)
      .replace(/^.*(?:一个|一位|一名|一只)\s*/, '')
      // "一个关于程序员的爱情故事": the story is about a programmer; "关于" is not part of the person.
      .replace(/^(?:关于|讲述|描写)\s*/, '')
      .trim();
    return phrase.length > 0 && phrase.length <= 12 ? phrase : undefined;
  }
  const ends = role.en
    .map((w) => new RegExp(`\\b${w}s?\\b`, 'i').exec(chunk))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => m.index + m[0].length);
  const phrase = chunk.slice(0, Math.min(...ends)).trim();
  if (ends.length === 0 || !/^(?:a|an|the)\s/i.test(phrase) || phrase.length > 40) return undefined;
  return phrase.charAt(0).toLowerCase() + phrase.slice(1);
}

function detectRoles(text: string, language: Language): RoleCue[] {
  const cues: RoleCue[] = [];
  for (const raw of text.split(language === 'zh' ? ZH_CHUNKS : EN_CHUNKS)) {
    const chunk = (raw ?? '').replace(/[….~～]+$/, '').trim();
    if (chunk.length === 0) continue;
    const found = knownRole(chunk, language) ?? customRole(chunk, language);
    if (found === undefined) continue;
    const { role, word } = found;
    const phrase = phraseFor(chunk, role, language);
    const gender = role.gender ?? genderIn(chunk, language);
    cues.push({
      role,
      ...(word === undefined ? {} : { word }),
      ...(phrase === undefined ? {} : { phrase }),
      ...(gender === undefined ? {} : { gender }),
    });
    if (cues.length === 2) break;
  }
  return cues;
}

/** Reads the prompt's own words: where, when, who and what kind of story. */
export function readPromptCues(source: CueSource, language: Language): PromptCues {
  const text = [source.prompt, source.description].filter(Boolean).join('\n');
  const year = /(1[89]\d{2}|20\d{2})/.exec(text)?.[1];
  const timeOfDay = detectTime(text, language === 'zh' ? ZH_TIMES : EN_TIMES);
  const roles = detectRoles(source.prompt, language);
  if (roles.length < 2 && source.description) {
    roles.push(...detectRoles(source.description, language).slice(0, 2 - roles.length));
  }
  const entities = readPromptEntities(text, language, {
    roleWords: ROLES.flatMap((r) => (language === 'zh' ? [...r.zh, ...(r.departments ?? [])] : r.en)),
    cityNames: CITIES.flatMap((c) => (language === 'zh' ? (c.zh === undefined ? [] : [c.zh]) : [c.en])),
  });
  // "Priya Raman, a software engineer, …" opens with a person, not a place.
  const where = detectPlace(text, language);
  const named = where.place !== undefined && entities.people.some((p) => p.includes(where.place as string));
  return {
    ...(named ? {} : where),
    ...(year === undefined ? {} : { year }),
    ...(timeOfDay === undefined ? {} : { timeOfDay }),
    roles,
    genre: detectGenre(source),
    source: text,
    entities,
  };
}
