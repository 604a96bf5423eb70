import type { Language } from '../vocabulary.js';
import type { PromptCues, RoleCue } from './prompt-cues.js';
import { roleByKey, type RoleInfo } from './roles.js';
import type { Rng } from './seeded-random.js';
import { withArticle } from './slots.js';
import type { GenreKey, Speaker, StoryText } from './story-text.js';

export type Sex = 'female' | 'male';

export interface CastMember {
  speaker: Speaker;
  name: string;
  /** What others call this person in dialogue. */
  call: string;
  surname: string;
  gender: Sex;
  age: number;
  /** Who they are: their look, age range and gender hints. */
  role: RoleInfo;
  /** What they do all day: workplace, prop, the grind. A relation (女儿) borrows an office job. */
  work: RoleInfo;
  /** The job as shown ("程序员", "programmer"). */
  job: string;
  /** How the story introduces them: the prompt's own words when it has them. */
  phrase: string;
}

export type Cast = Record<Speaker, CastMember>;

/** Who A and B are when the prompt names nobody. */
const DEFAULT_ROLES: Record<GenreKey, [string, string]> = {
  romance: ['office_worker', 'neighbor'],
  mystery: ['journalist', 'police'],
  workplace: ['intern', 'product_manager'],
  comedy: ['courier', 'office_worker'],
  family: ['office_worker', 'roommate'],
};

const PARENTS = new Set(['father', 'mother', 'grandmother', 'grandfather']);
const other = (sex: Sex): Sex => (sex === 'female' ? 'male' : 'female');
const sexOf = (g: string | undefined): Sex | undefined => (g === 'female' || g === 'male' ? g : undefined);

/** A named person's gender, from the words right after the name (她, "his") or a known given name. */
function nameGender(name: string, cues: PromptCues, text: StoryText, language: Language): Sex | undefined {
  const after = cues.source
    .slice(cues.source.indexOf(name) + name.length)
    .slice(0, language === 'zh' ? 14 : 60);
  const [female, male] =
    language === 'zh' ? [/她|女/, /他|男/] : [/\b(?:she|her|woman|girl)\b/i, /\b(?:he|his|him|man|boy)\b/i];
  const f = after.search(female);
  const m = after.search(male);
  if (f >= 0 && (m < 0 || f < m)) return 'female';
  if (m >= 0) return 'male';
  const first = name.split(/\s+/)[0] as string;
  if (text.given.female.includes(first)) return 'female';
  if (text.given.male.includes(first)) return 'male';
  return undefined;
}

/**
 * Four people: A and B from the prompt's roles, C the friend, D the pressure. In a family story a parent
 * the prompt names becomes D, so the child is the one who has to choose.
 */
export function castDrama(
  cues: PromptCues,
  genre: GenreKey,
  text: StoryText,
  language: Language,
  rng: Rng,
): Cast {
  const parentCue = genre === 'family' ? cues.roles.find((r) => PARENTS.has(r.role.key)) : undefined;
  const [cueA, cueB] = cues.roles.filter((r) => r !== parentCue);
  const roleA = cueA?.role ?? roleByKey(DEFAULT_ROLES[genre][0]);
  const roleB = cueB?.role ?? roleByKey(DEFAULT_ROLES[genre][1]);
  const coin = (): Sex => (rng.below(2) === 0 ? 'female' : 'male');
  const namedA = cues.entities.people[0];
  const namedB = cues.entities.people[1];
  const genderA =
    sexOf(cueA?.gender) ??
    sexOf(roleA.gender) ??
    (namedA === undefined ? undefined : nameGender(namedA, cues, text, language)) ??
    coin();
  const genderB =
    sexOf(cueB?.gender) ??
    sexOf(roleB.gender) ??
    (namedB === undefined ? undefined : nameGender(namedB, cues, text, language)) ??
    (genre === 'romance' ? other(genderA) : coin());
  const named = cues.entities.people;
  const genderC = named[2] === undefined ? coin() : (nameGender(named[2], cues, text, language) ?? coin());
  const dRole = parentCue?.role ?? roleByKey(genre === 'family' ? 'father' : 'ceo');
  const genderD = sexOf(parentCue?.gender) ?? sexOf(dRole.gender) ?? coin();

  const surnames = rng.shuffle(text.surnames);
  const given = { female: rng.shuffle(text.given.female), male: rng.shuffle(text.given.male) };
  const used = { female: 0, male: 0 };
  const years = (min: number, max: number) => min + rng.below(max - min + 1);
  const age = (role: RoleInfo) => (role.ages ? years(...role.ages) : years(24, 32));
  const jobOf = (role: RoleInfo) => (language === 'zh' ? role.zh[0] : role.en[0]) as string;
  const person = (
    speaker: Speaker,
    gender: Sex,
    surname: string,
    years: number,
    role: RoleInfo,
    job?: string,
    cue?: RoleCue,
  ): CastMember => {
    const first = given[gender][used[gender]++ % given[gender].length] as string;
    // A person the prompt names keeps that name: 欧阳纳兰·星辰·无忌, Maya Okafor, 小周.
    const own = named[['A', 'B', 'C', 'D'].indexOf(speaker)];
    const ownParts = own?.split(/\s+/) ?? [];
    const name = own ?? (language === 'zh' ? `${surname}${first}` : `${first} ${surname}`);
    // 欧阳纳兰·星辰·无忌 is called 无忌, Maya Okafor is called Maya.
    const call =
      own === undefined
        ? language === 'zh'
          ? name
          : first
        : language === 'zh'
          ? (own.split('·').at(-1) as string)
          : (ownParts[0] as string);
    const work = role.job === false ? roleByKey('office_worker') : role;
    // The prompt's own word for the job ("外卖小哥", "delivery rider") when it used one.
    const shown = job ?? (role.job !== false && cue?.word !== undefined ? cue.word : jobOf(work));
    const phrase = cue?.phrase ?? (language === 'zh' ? jobOf(role) : withArticle(jobOf(role)));
    return {
      speaker,
      name,
      call,
      surname:
        own === undefined ? surname : language === 'zh' ? own.slice(0, 1) : (ownParts.at(-1) as string),
      gender,
      age: years,
      role,
      work,
      job: shown,
      phrase,
    };
  };
  const [sA, sB, sC, sD] = [0, 1, 2, 3].map((i) => surnames[i] as string) as [string, string, string, string];
  const grand = dRole.key.startsWith('grand');
  const parentJob = grand
    ? jobOf(dRole)
    : language === 'zh'
      ? genderD === 'female'
        ? '母亲'
        : '父亲'
      : genderD === 'female'
        ? 'mother'
        : 'father';
  return {
    A: person('A', genderA, sA, age(roleA), roleA, undefined, cueA),
    B: person('B', genderB, sB, age(roleB), roleB, undefined, cueB),
    C: person('C', genderC, sC, years(25, 32), roleByKey('colleague'), text.cJob),
    D:
      genre === 'family'
        ? person('D', genderD, sA, grand ? age(dRole) : years(55, 62), dRole, parentJob)
        : person('D', genderD, sD, years(42, 52), dRole, text.genres[genre].dJob),
  };
}
