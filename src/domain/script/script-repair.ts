import { BEATS } from './beats.js';
import { rescaleToTotal } from './durations.js';
import { SCRIPT_LIMITS, requestLanguage, type ScriptRequest } from './script.schema.js';
import { assignVoices } from './voices.js';
import type { Gender, Language, TimeOfDay } from './vocabulary.js';

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const first = (o: Json, ...keys: string[]): unknown => keys.map((k) => o[k]).find((v) => v !== undefined);

const toText = (v: unknown): string | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t.length > 0 ? t : undefined;
};

const toNumber = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const match = typeof v === 'string' ? /-?\d+(?:\.\d+)?/.exec(v) : null;
  return match ? Number(match[0]) : undefined;
};

const toTextList = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).map(toText).filter((t): t is string => t !== undefined);

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), snakeKeys(x)]));
}

/** LLMs often wrap JSON in prose or a ```json fence. */
function parseJsonText(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return text;
  try {
    return JSON.parse(text.slice(start, end + 1)) as unknown;
  } catch {
    return text;
  }
}

const TIME_SYNONYMS: [RegExp, TimeOfDay][] = [
  [/^(dawn|sunrise|daybreak|early morning|morning|清晨|黎明|早晨|早上|破晓|凌晨|拂晓|晨)/i, 'dawn'],
  [/^(dusk|sunset|evening|twilight|golden hour|傍晚|黄昏|日落|薄暮)/i, 'dusk'],
  [/^(night|midnight|late night|nighttime|夜|深夜|午夜|晚上|夜晚|夜里|半夜)/i, 'night'],
  [/^(day|daytime|noon|midday|afternoon|forenoon|白天|中午|下午|上午|午后|日)/i, 'day'],
];
const timeOfDay = (v: unknown): TimeOfDay => {
  const t = toText(v) ?? '';
  return TIME_SYNONYMS.find(([pattern]) => pattern.test(t))?.[1] ?? 'day';
};

const gender = (v: unknown): Gender => {
  const t = (toText(v) ?? '').toLowerCase();
  if (/^(female|f|woman|girl|女)/.test(t)) return 'female';
  if (/^(male|m|man|boy|男)/.test(t)) return 'male';
  return 'unknown';
};

const language = (v: unknown): Language | undefined => {
  const t = (toText(v) ?? '').toLowerCase();
  if (/^(zh|chinese|mandarin|中文|汉语|普通话|简体)/.test(t)) return 'zh';
  if (/^(en|english|英文|英语)/.test(t)) return 'en';
  return undefined;
};

const nameKey = (name: string) =>
  name
    .trim()
    .replace(/[（(][^）)]*[）)]\s*$/, '')
    .replace(/[:：]\s*$/, '')
    .trim()
    .toLowerCase();

function repairCharacters(raw: unknown, lang: Language) {
  const seen = new Set<string>();
  const characters = (Array.isArray(raw) ? raw : []).flatMap((c) => {
    const o: Json = isRecord(c) ? c : { name: c };
    const name = toText(first(o, 'name', 'character'))?.slice(0, SCRIPT_LIMITS.nameMax);
    if (name === undefined || seen.has(nameKey(name))) return [];
    seen.add(nameKey(name));
    return [
      {
        name,
        role: toText(o.role)?.slice(0, 40) ?? (lang === 'zh' ? '配角' : 'supporting'),
        description: toText(first(o, 'description', 'bio')) ?? '',
        gender: gender(first(o, 'gender', 'sex')),
        voice: typeof o.voice === 'string' ? o.voice.trim() : undefined,
      },
    ];
  });
  return assignVoices(characters, lang);
}

function repairLine(raw: unknown, resolve: (name: string) => string | undefined) {
  let speaker: string | undefined;
  let line: string | undefined;
  if (isRecord(raw)) {
    speaker = toText(first(raw, 'character', 'speaker', 'name', 'role'));
    line = toText(first(raw, 'line', 'text', 'content', 'dialogue'));
  } else if (typeof raw === 'string') {
    const match = /^\s*([^:：]{1,40})[:：]\s*(.+)$/s.exec(raw);
    speaker = match?.[1];
    line = toText(match?.[2]);
  }
  const character = speaker === undefined ? undefined : resolve(speaker);
  if (character === undefined || line === undefined) return [];
  return [{ character, line: line.slice(0, SCRIPT_LIMITS.lineMax) }];
}

function repairScene(
  raw: unknown,
  index: number,
  lang: Language,
  resolve: (n: string) => string | undefined,
) {
  if (!isRecord(raw)) return raw;
  const given = first(raw, 'dialogue', 'dialogues', 'lines');
  const items: unknown[] = Array.isArray(given) ? given : typeof given === 'string' ? given.split(/\n+/) : [];
  const dialogue = items.flatMap((d) => repairLine(d, resolve));
  const listed = toTextList(first(raw, 'characters', 'cast')).concat(
    (Array.isArray(raw.characters) ? raw.characters : []).filter(isRecord).flatMap((c) => toTextList(c.name)),
  );
  const characters = [...listed, ...dialogue.map((d) => d.character)]
    .map((n) => resolve(n))
    .filter((n, i, all): n is string => n !== undefined && all.indexOf(n) === i);
  const location = toText(first(raw, 'location', 'setting', 'place'));
  const description = toText(first(raw, 'description', 'summary', 'action'));
  const beat = (BEATS as readonly unknown[]).includes(raw.beat) ? raw.beat : undefined;
  return {
    number: index + 1,
    title: toText(raw.title) ?? location ?? (lang === 'zh' ? `第${index + 1}场` : `Scene ${index + 1}`),
    location,
    time_of_day: timeOfDay(first(raw, 'time_of_day', 'time')),
    description,
    characters,
    dialogue,
    actions: toTextList(first(raw, 'actions', 'action_lines')),
    visual_prompt:
      toText(first(raw, 'visual_prompt', 'image_prompt', 'visual')) ??
      ([location, description].filter(Boolean).join(', ') || undefined),
    duration_sec: toNumber(first(raw, 'duration_sec', 'duration', 'duration_seconds')),
    ...(beat === undefined ? {} : { beat }),
  };
}

/** Keeps durations that already add up; otherwise rescales to whole seconds that add up exactly. */
function fitDurations(scenes: unknown[], target: number): void {
  const records = scenes.filter(isRecord);
  if (records.length !== scenes.length || records.length === 0 || records.length > target) return;
  const given = records.map((s) => (typeof s.duration_sec === 'number' ? s.duration_sec : NaN));
  const valid = given.filter((d) => Number.isFinite(d) && d > 0);
  if (valid.length === given.length && Math.abs(valid.reduce((a, b) => a + b, 0) - target) < 1e-9) return;
  const mean = valid.length > 0 ? valid.reduce((a, b) => a + b, 0) / valid.length : 1;
  const fitted = rescaleToTotal(
    given.map((d) => (Number.isFinite(d) && d > 0 ? d : mean)),
    target,
  );
  records.forEach((s, i) => (s.duration_sec = fitted[i]));
}

/**
 * Best-effort normalisation of an LLM's near-miss output, before validation: renames and coerces fields,
 * renumbers, fills voices, trims surplus episodes and scenes, fits durations and drops lines by unknown
 * speakers. It never invents a missing episode or scene: those stay validation failures.
 */
export function repairScript(raw: unknown, request: ScriptRequest): unknown {
  let root = snakeKeys(typeof raw === 'string' ? parseJsonText(raw) : raw);
  if (isRecord(root) && root.episodes === undefined && isRecord(root.script)) root = root.script;
  if (!isRecord(root)) return root;
  const lang = language(root.language) ?? requestLanguage(request);
  const characters = repairCharacters(first(root, 'characters', 'cast'), lang);
  const byKey = new Map(characters.map((c) => [nameKey(c.name), c.name]));
  const resolve = (name: string) => byKey.get(nameKey(name));
  const episodes = (Array.isArray(root.episodes) ? root.episodes : [])
    .slice(0, request.episodes)
    .map((episode, e) => {
      if (!isRecord(episode)) return episode;
      const scenes = (Array.isArray(episode.scenes) ? episode.scenes : [])
        .slice(0, request.scenes_per_episode)
        .map((scene, s) => repairScene(scene, s, lang, resolve));
      fitDurations(scenes, request.episode_duration_sec);
      const summary =
        toText(first(episode, 'summary', 'synopsis', 'description')) ??
        (scenes
          .filter(isRecord)
          .map((s) => toText(s.description))
          .filter(Boolean)
          .join(' ') ||
          undefined);
      return {
        number: e + 1,
        title: toText(episode.title) ?? (lang === 'zh' ? `第${e + 1}集` : `Episode ${e + 1}`),
        summary: summary?.slice(0, 2000),
        scenes,
      };
    });
  return {
    title: toText(first(root, 'title', 'name')) ?? request.title,
    logline:
      toText(first(root, 'logline', 'synopsis', 'summary')) ??
      (request.description || request.prompt).slice(0, 500),
    language: lang,
    genre:
      toText(root.genre)?.slice(0, SCRIPT_LIMITS.genreMax) ??
      (request.genre || (lang === 'zh' ? '剧情' : 'drama')),
    characters,
    episodes,
  };
}
