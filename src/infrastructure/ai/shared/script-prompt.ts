import { BEATS } from '../../../domain/script/beats.js';
import { requestLanguage, type ScriptRequest } from '../../../domain/script/script.schema.js';
import { VOICE_IDS } from '../../../domain/script/voices.js';
import { TIMES_OF_DAY } from '../../../domain/script/vocabulary.js';
import type { ChatMessage } from './chat-client.js';

const list = (values: readonly string[]) => values.map((v) => `"${v}"`).join('|');

const SHAPE = `{"title": string, "logline": string, "language": "zh"|"en", "genre": string,
 "characters": [{"name": string, "role": string, "description": string, "gender": "female"|"male"|"unknown",
   "voice": ${list(VOICE_IDS)}}],
 "episodes": [{"number": 1, "title": string, "summary": string,
   "scenes": [{"number": 1, "title": string, "location": string, "time_of_day": ${list(TIMES_OF_DAY)},
     "description": string, "characters": [character names], "dialogue": [{"character": name, "line": string}],
     "actions": [string], "visual_prompt": string, "duration_sec": number,
     "beat": ${list(BEATS)} or null}]}]}`;

const SYSTEM = `You are a screenwriter of short vertical dramas (短剧). You answer with one JSON object and nothing
else: no prose, no Markdown, no code fences. The JSON object has exactly this shape:
${SHAPE}
Rules: every name in a scene's "characters" and every dialogue speaker is one of the top-level characters and is
listed in that scene's "characters"; episodes and scenes are numbered 1, 2, 3… in order; "visual_prompt" describes
the shot for an image model (people, place, light, camera); voices of Chinese scripts start with "zh-", of English
scripts with "en-".`;

/** The first request to an LLM for a script. The word "JSON" is in the prompt, as json_object mode requires. */
export function scriptMessages(request: ScriptRequest): ChatMessage[] {
  const language = requestLanguage(request);
  const lines = [
    `Write this drama as a JSON script.`,
    `Idea: ${request.prompt}`,
    request.title ? `Title: ${request.title}` : `Title: choose one`,
    request.description ? `Description: ${request.description}` : undefined,
    request.genre ? `Genre: ${request.genre}` : undefined,
    language === 'zh'
      ? `Language: "zh". Write titles, descriptions and every dialogue line in Simplified Chinese.`
      : `Language: "en". Write titles, descriptions and every dialogue line in English.`,
    `Exactly ${request.episodes} episode(s), each with exactly ${request.scenes_per_episode} scene(s).`,
    `Each episode lasts ${request.episode_duration_sec} seconds: the duration_sec of its scenes add up to exactly ${request.episode_duration_sec}.`,
  ];
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: lines.filter((l) => l !== undefined).join('\n') },
  ];
}

/** The message that sends validation problems back for the next attempt. */
export function retryMessage(problems: readonly string[]): string {
  const shown = problems.slice(0, 20).map((p) => `- ${p}`);
  if (problems.length > shown.length) shown.push(`- …and ${problems.length - shown.length} more`);
  return `That JSON script cannot be used yet. Fix these problems:\n${shown.join('\n')}\nAnswer with the complete corrected JSON script only.`;
}
