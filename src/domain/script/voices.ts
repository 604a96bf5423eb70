import type { Gender, Language } from './vocabulary.js';

/** Abstract voice ids; each TTS adapter maps them onto its own voices. */
export const VOICE_IDS = [
  'zh-female-1',
  'zh-female-2',
  'zh-female-3',
  'zh-male-1',
  'zh-male-2',
  'zh-male-3',
  'zh-elder',
  'zh-elder-female',
  'zh-child',
  'en-female-1',
  'en-female-2',
  'en-female-3',
  'en-male-1',
  'en-male-2',
  'en-male-3',
] as const;
export type VoiceId = (typeof VOICE_IDS)[number];

export const isVoiceId = (value: unknown): value is VoiceId =>
  typeof value === 'string' && (VOICE_IDS as readonly string[]).includes(value);

export interface VoiceCandidate {
  name: string;
  gender: Gender;
  role?: string;
  description?: string;
  voice?: string;
}

export type Age = 'child' | 'adult' | 'senior' | 'elder';

const ELDER =
  /爷爷|奶奶|外公|外婆|姥姥|姥爷|大爷|大妈|老人|老太|老先生|老爷子|父亲|母亲|爸爸|妈妈|老爸|老妈|grand(?:father|mother|pa|ma)|\bold (?:man|woman)\b|elderly|\bfather\b|\bmother\b|\bdad\b|\bmom\b/i;
const CHILD = /孩子|小孩|儿童|男孩|女孩|小学生|幼儿园|\bchild\b|\bkid\b|\bboy\b|\bgirl\b/i;
const AGE = /(\d{1,3})\s*(?:岁|-year-old|years? old)/;

export function ageOf(c: VoiceCandidate): Age {
  const text = `${c.role ?? ''} ${c.description ?? ''}`;
  const years = AGE.exec(text)?.[1];
  if (years !== undefined) {
    const n = Number(years);
    if (n <= 12) return 'child';
    if (n >= 55) return 'elder';
    return n >= 40 ? 'senior' : 'adult';
  }
  if (CHILD.test(text)) return 'child';
  if (ELDER.test(text)) return 'elder';
  return 'adult';
}

/** Voices in order of preference; the first unused one wins, so a cast gets distinct voices while they last. */
function preferences(language: Language, gender: Gender, age: Age): VoiceId[] {
  if (language === 'zh') {
    // Three voices a gender, measured ≥ 1.5 semitones apart (test/int/media/voice-pitch.int.spec.ts).
    const female: VoiceId[] = ['zh-female-1', 'zh-female-2', 'zh-female-3'];
    const male: VoiceId[] = ['zh-male-1', 'zh-male-2', 'zh-male-3'];
    const own = gender === 'female' ? female : gender === 'male' ? male : [];
    if (age === 'child') return ['zh-child', ...(gender === 'male' ? male : female)];
    if (age === 'elder') {
      const elder: VoiceId = gender === 'female' ? 'zh-elder-female' : 'zh-elder';
      return [elder, ...own.slice().reverse()];
    }
    // Someone in their forties or fifties may take the elder voice rather than share a voice.
    if (age === 'senior' && own.length > 0) return [...own.slice().reverse(), 'zh-elder'];
    return own.length > 0
      ? own
      : ['zh-female-1', 'zh-male-1', 'zh-female-2', 'zh-male-2', 'zh-female-3', 'zh-male-3'];
  }
  const female: VoiceId[] = ['en-female-1', 'en-female-2', 'en-female-3'];
  const male: VoiceId[] = ['en-male-1', 'en-male-2', 'en-male-3'];
  // English has no elder or child voice: the second voice of each gender stands in for them.
  if (age === 'child')
    return gender === 'male' ? ['en-male-2', 'en-female-2'] : ['en-female-2', 'en-female-1'];
  const older = age === 'elder' || age === 'senior';
  if (gender === 'female') return older ? female.slice().reverse() : female;
  if (gender === 'male') return older ? male.slice().reverse() : male;
  return ['en-female-1', 'en-male-1', 'en-female-2', 'en-male-2', 'en-female-3', 'en-male-3'];
}

const languageOf = (voice: VoiceId): Language => (voice.startsWith('zh-') ? 'zh' : 'en');

/**
 * Gives every character a voice of the script's language: a valid preset voice is kept, the rest follow
 * gender and age hints, distinct while voices remain, then the least-used fitting voice is shared.
 */
export function assignVoices<T extends VoiceCandidate>(
  characters: readonly T[],
  language: Language,
): Array<T & { voice: VoiceId }> {
  const uses = new Map<VoiceId, number>();
  const take = (voice: VoiceId) => {
    uses.set(voice, (uses.get(voice) ?? 0) + 1);
    return voice;
  };
  const presets = characters.map((c) =>
    isVoiceId(c.voice) && languageOf(c.voice) === language && !uses.has(c.voice) ? take(c.voice) : undefined,
  );
  // People with a gender go first: someone of unknown gender can take whatever voice is left.
  const order = characters
    .map((_, i) => i)
    .sort(
      (a, b) => Number(characters[a]?.gender === 'unknown') - Number(characters[b]?.gender === 'unknown'),
    );
  const chosen = new Map<number, VoiceId>();
  for (const i of order) {
    const c = characters[i] as T;
    const preset = presets[i];
    if (preset !== undefined) {
      chosen.set(i, preset);
      continue;
    }
    const wanted = preferences(language, c.gender, ageOf(c));
    const free = wanted.find((v) => !uses.has(v));
    const leastUsed = wanted.reduce((best, v) => ((uses.get(v) ?? 0) < (uses.get(best) ?? 0) ? v : best));
    chosen.set(i, take(free ?? leastUsed));
  }
  return characters.map((c, i) => ({ ...c, voice: chosen.get(i) as VoiceId }));
}
