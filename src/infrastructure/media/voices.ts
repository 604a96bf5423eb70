/**
 * Our voice ids for the offline engine. Each maps to an espeak-ng voice+variant that was verified to
 * load inside text2wav (see scripts/probe-espeak-voices.ts): `cmn+<variant>` speaks real Mandarin
 * phonemes with tones; `zh+<variant>` and `cmn-latn-pinyin+<variant>` do not load or ignore the variant.
 * Pitch (0-99) and speed (words per minute) separate voices that share a variant family.
 */

export type VoiceLanguage = 'zh' | 'en';
export type VoiceGender = 'female' | 'male';
export type VoiceAge = 'child' | 'adult' | 'elder';

export interface LocalVoice {
  id: string;
  language: VoiceLanguage;
  gender: VoiceGender;
  age: VoiceAge;
  narrator?: boolean;
  espeakVoice: string;
  pitch: number;
  speed: number;
  description: string;
}

const voice = (
  id: string,
  espeakVoice: string,
  pitch: number,
  speed: number,
  gender: VoiceGender,
  age: VoiceAge,
  description: string,
  narrator = false,
): LocalVoice => ({
  id,
  language: id.startsWith('zh-') ? 'zh' : 'en',
  gender,
  age,
  ...(narrator && { narrator }),
  espeakVoice,
  pitch,
  speed,
  description,
});

export const LOCAL_VOICES: readonly LocalVoice[] = Object.freeze([
  voice('zh-female-1', 'cmn+f2', 58, 165, 'female', 'adult', 'young woman, clear'),
  voice('zh-female-2', 'cmn+f4', 40, 152, 'female', 'adult', 'mature woman, calm'),
  voice('zh-female-3', 'cmn+f5', 66, 175, 'female', 'adult', 'bright, breathy'),
  voice('zh-male-1', 'cmn+m3', 45, 160, 'male', 'adult', 'young man'),
  voice('zh-male-2', 'cmn+m1', 32, 150, 'male', 'adult', 'deep, slightly rough'),
  voice('zh-male-3', 'cmn+m7', 56, 172, 'male', 'adult', 'light, quick'),
  voice('zh-elder', 'cmn+croak', 22, 132, 'male', 'elder', 'old man, shaky'),
  voice('zh-elder-female', 'cmn+aunty', 18, 138, 'female', 'elder', 'old woman'),
  voice('zh-child', 'cmn+f3', 92, 182, 'female', 'child', 'child, high'),
  voice('zh-narrator', 'cmn+m2', 40, 150, 'male', 'adult', 'narrator, even', true),
  voice('en-female-1', 'en-us+f2', 58, 165, 'female', 'adult', 'American woman'),
  voice('en-female-2', 'en+f4', 40, 155, 'female', 'adult', 'British woman, calm'),
  voice('en-female-3', 'en-us+f5', 66, 175, 'female', 'adult', 'bright, quick'),
  voice('en-male-1', 'en-us+m3', 45, 160, 'male', 'adult', 'American man'),
  voice('en-male-2', 'en+m1', 32, 150, 'male', 'adult', 'British man, deep'),
  voice('en-male-3', 'en-us+m7', 56, 172, 'male', 'adult', 'light, quick'),
  voice('en-elder', 'en+croak', 22, 135, 'male', 'elder', 'old man'),
  voice('en-child', 'en-us+f3', 92, 182, 'female', 'child', 'child'),
  voice('en-narrator', 'en-us+m2', 40, 150, 'male', 'adult', 'narrator', true),
]);

const BY_ID = new Map(LOCAL_VOICES.map((v) => [v.id, v]));

export const localVoice = (id: string): LocalVoice | undefined => BY_ID.get(id);

export interface VoiceTraits {
  gender?: VoiceGender;
  age?: VoiceAge;
  narrator?: boolean;
}

/** Reads a free-text role or gender hint ("女主", "奶奶", "boss (male)", "旁白") into traits. */
export function voiceTraits(hint: string | undefined): VoiceTraits {
  const text = (hint ?? '').toLowerCase();
  const traits: VoiceTraits = {};
  if (/旁白|解说|narrat/.test(text)) traits.narrator = true;
  if (
    /爷爷|奶奶|外公|外婆|姥姥|老人|老太|老头|老者|老奶奶|老大爷|大爷|大妈|婆婆|\belder|\bold\b|grand/.test(
      text,
    )
  ) {
    traits.age = 'elder';
  } else if (/孩子|儿童|小朋友|童|\bchild|\bkid/.test(text)) {
    traits.age = 'child';
  }
  if (
    /女|妈|姐|妹|奶奶|外婆|姥姥|婆|姑|娘|太太|小姐|夫人|\bfemale|\bwoman|\bgirl|\bmother|\bmom|\bsister|grandma|\baunt|\blady|\bshe\b|\bher\b/.test(
      text,
    )
  ) {
    traits.gender = 'female';
  } else if (
    /男|爸|哥|弟|爷|叔|伯|先生|丈夫|\bmale|\bman\b|\bboy|\bfather|\bdad|\bbrother|grandpa|\buncle|\bhe\b|\bhis\b/.test(
      text,
    )
  ) {
    traits.gender = 'male';
  }
  return traits;
}

/** FNV-1a: stable across processes and Node versions, unlike any runtime hash. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Deterministic voice for a character: the same name, hint and language always give the same voice.
 * Voices listed in `taken` (already given to other characters) are avoided while others remain.
 */
export function pickVoice(
  characterName: string,
  hint: string | undefined,
  language: VoiceLanguage,
  taken: Iterable<string> = [],
): LocalVoice {
  const traits = voiceTraits(hint);
  const inLanguage = LOCAL_VOICES.filter((v) => v.language === language);
  const narrowings: ((v: LocalVoice) => boolean)[] = [
    (v) => (traits.narrator ? v.narrator === true : v.narrator !== true),
    (v) => v.age === (traits.age ?? 'adult'),
    (v) => !traits.gender || v.gender === traits.gender,
  ];
  let candidates = inLanguage;
  for (const keep of narrowings) {
    const narrowed = candidates.filter(keep);
    if (narrowed.length > 0) candidates = narrowed;
  }
  const used = new Set(taken);
  const free = candidates.filter((v) => !used.has(v.id));
  const pool = free.length > 0 ? free : candidates;
  return pool[stableHash(characterName.trim()) % pool.length] as LocalVoice;
}
