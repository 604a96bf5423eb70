import {
  SCRIPT_LIMITS,
  requestLanguage,
  scriptConsistencyProblems,
  scriptSchema,
  type Script,
  type ScriptRequest,
} from './script.schema.js';
import { containsCjk } from './vocabulary.js';

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
