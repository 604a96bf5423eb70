/** Closed vocabularies shared by the script schema, the writers and the media stages. */
export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const GENDERS = ['female', 'male', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

export const TIMES_OF_DAY = ['dawn', 'day', 'dusk', 'night'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export const containsCjk = (text: string): boolean => CJK.test(text);

export const detectLanguage = (text: string): Language => (containsCjk(text) ? 'zh' : 'en');
