import {
  SCRIPT_LIMITS,
  requestLanguage,
  scriptConsistencyProblems,
  scriptSchema,
  type Script,
  type ScriptRequest,
} from './script.schema.js';
import { ON_PLACES } from './template/slots.js';
import { containsCjk, type Language } from './vocabulary.js';

const seconds = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(2)} s`;

/** What the dialogue is written in, judged by the share of lines carrying CJK characters. */
function dialogueLanguageProblem(script: Script): string | undefined {
  const lines = script.episodes.flatMap((e) => e.scenes.flatMap((s) => s.dialogue.map((d) => d.line)));
  if (lines.length === 0) return undefined;
  const cjkShare = lines.filter(containsCjk).length / lines.length;
  if (script.language === 'zh' && cjkShare < 0.5) return 'the dialogue must be written in Chinese';
  if (script.language === 'en' && cjkShare > 0.5) return 'the dialogue must be written in English';
  return undefined;
}

/**
 * Every way `script` falls short of `request`, each as one sentence an author (or an LLM asked to try
 * again) can act on. An empty list means the script is usable as it is.
 */
export function checkScriptAgainstRequest(script: Script, request: ScriptRequest): string[] {
  const problems = scriptConsistencyProblems(script).map((p) => p.message);
  const language = requestLanguage(request);
  if (script.language !== language) {
    problems.push(`the script is marked "${script.language}" but must be written in "${language}"`);
  }
  const wording = dialogueLanguageProblem(script);
  if (wording !== undefined) problems.push(wording);
  if (script.episodes.length !== request.episodes) {
    problems.push(`write exactly ${request.episodes} episodes (got ${script.episodes.length})`);
  }
  const target = request.episode_duration_sec;
  script.episodes.forEach((episode, e) => {
    if (episode.scenes.length !== request.scenes_per_episode) {
      problems.push(
        `episode ${e + 1}: write exactly ${request.scenes_per_episode} scenes (got ${episode.scenes.length})`,
      );
    }
    const total = episode.scenes.reduce((sum, s) => sum + s.duration_sec, 0);
    if (Math.abs(total - target) > SCRIPT_LIMITS.durationToleranceSec) {
      problems.push(
        `episode ${e + 1}: scene durations add up to ${seconds(total)}; they must add up to ${seconds(target)}`,
      );
    }
  });
  return problems;
}

export type ScriptValidation = { ok: true; script: Script } | { ok: false; problems: string[] };

/** Schema then request checks, with every failure phrased for a person or for an LLM's next attempt. */
export function validateScript(raw: unknown, request: ScriptRequest): ScriptValidation {
  const parsed = scriptSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'custom') return issue.message;
      const at = issue.path.map(String).join('.');
      return at ? `${at}: ${issue.message}` : issue.message;
    });
    return { ok: false, problems };
  }
  const problems = checkScriptAgainstRequest(parsed.data, request);
  return problems.length === 0 ? { ok: true, script: parsed.data } : { ok: false, problems };
}

const REPEATED_NOUN: Record<Language, RegExp> = {
  // "一个程序员，一个程序员", "护士和护士"
  zh: /([\u4e00-\u9fff]{2,8})(?:[，,、\s]|和|与|跟|及|一个|一位|一名)+\1/u,
  // "A nurse and a nurse", "a cook, a cook"
  en: /\b(?:a|an|the)\s+([a-z][\w-]*(?:\s[a-z][\w-]*)?)\s*(?:,|and|or|&)\s*(?:a|an|the)\s+\1\b/i,
};
const NIGHT_TALK: Record<Language, RegExp> = {
  zh: /深夜|半夜|今晚|今夜|夜里|这么晚|这个点了|走光了|晚安|通宵|回家睡觉/,
  en: /\b(?:tonight|midnight|this late|so late|good night|late at night|for the night|gone home)\b/i,
};
/**
 * English places one stands on or at, not in: "the last one left in the train platform" (but "in the
 * rooftop garden" is right: the place is the garden).
 */
const WRONG_PREPOSITION = new RegExp(
  `\\bin the (?:[a-z-]+ ){0,2}(?:${ON_PLACES})\\b` +
    '(?!\\s+(?:garden|bar|caf[eé]|restaurant|pool|room|office|shop|house|stall|market|party)\\b)',
  'i',
);
/** The first English place in these texts written with "in" where "on" or "at" belongs, as a problem. */
const wrongPreposition = (at: string, texts: readonly string[]): string | undefined => {
  const wrong = texts.map((t) => WRONG_PREPOSITION.exec(t)).find((m) => m !== null);
  return wrong ? `${at}: "${wrong[0]}" (one is on or at such a place, not in it)` : undefined;
};
const MORNING_TALK: Record<Language, RegExp> = {
  zh: /早上好|今天早上|天亮了/,
  en: /\b(?:good morning|this morning)\b/i,
};

/**
 * Lines a reader would stop at, whatever the request: a noun repeated as its own pair ("A nurse and a
 * nurse."), someone who speaks only once in the whole drama, talk of the night in a scene set by
 * day (or of the morning at night), and "in the platform" in English. Each problem is one sentence
 * naming where it is.
 */
export function scriptQualityProblems(script: Script): string[] {
  const problems: string[] = [];
  const language = script.language;
  const spoken = new Map<string, number>();
  script.episodes.forEach((episode, e) => {
    episode.scenes.forEach((scene, s) => {
      const at = `episode ${e + 1}, scene ${s + 1}`;
      scene.dialogue.forEach((d, k) => {
        spoken.set(d.character, (spoken.get(d.character) ?? 0) + 1);
        const repeated = REPEATED_NOUN[language].exec(d.line);
        if (repeated) problems.push(`${at}, line ${k + 1}: "${repeated[0]}" repeats a noun as its own pair`);
      });
      const wrong =
        language === 'en'
          ? wrongPreposition(at, [scene.description, ...scene.actions, ...scene.dialogue.map((d) => d.line)])
          : undefined;
      if (wrong) problems.push(wrong);
      const talk = scene.dialogue.map((d) => d.line).join('\n');
      const day = scene.time_of_day === 'day' || scene.time_of_day === 'dawn';
      const said = day
        ? NIGHT_TALK[language].exec(talk)
        : scene.time_of_day === 'night'
          ? MORNING_TALK[language].exec(talk)
          : null;
      if (said) problems.push(`${at}: set at ${scene.time_of_day}, but its dialogue says "${said[0]}"`);
    });
    const wrong = language === 'en' ? wrongPreposition(`episode ${e + 1}`, [episode.summary]) : undefined;
    if (wrong) problems.push(wrong);
  });
  for (const c of script.characters) {
    if (spoken.get(c.name) === 1) problems.push(`${c.name} speaks only once in the whole drama`);
  }
  return problems;
}
