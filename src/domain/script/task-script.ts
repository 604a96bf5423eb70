import { assignVoices, type VoiceCandidate, type VoiceId } from './voices.js';
import { type Language, detectLanguage } from './vocabulary.js';

/** One spoken line of a video task: who says it (null: the narrator) and the words alone. */
export interface TaskLine {
  speaker: string | null;
  text: string;
}

/** Labels that mean "no one on screen": the line is narrated and shown without a name. */
const NARRATOR = /^(?:旁白|画外音|解说|叙述|narrator|narration|voice[- ]?over|v\.?o\.?)$/i;
/**
 * `名字：台词` / `Name: line`. The label is short, has no sentence punctuation or spaces in CJK, and is
 * not a URL scheme or a clock time (`http:`, `10:30`).
 */
const LABELLED =
  /^\s*([^\s:：，。！？,.!?"“”「」（）()]{1,16}|[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){0,2})\s*[:：]\s*(\S.*)$/su;
/** A URL scheme, a clock time, or prose: "他说：…" is a sentence, not a speaker. */
const NOT_A_LABEL = /^(?:https?|ftp|mailto|\d+)$|[说道问喊叫答笑]$/i;
/** Sentence ends: a line longer than one sentence is spoken (and subtitled) sentence by sentence. */
const SENTENCE_END =
  /(?<=[。！？!?；;…][”’"」』）)]*)\s*(?![”’"」』）)。！？!?；;…])|(?<=\.[”’"」』）)]*)\s+/u;

/** The lines of a task's script, speaker labels taken off the words; empty lines dropped. */
export function parseTaskScript(script: string): TaskLine[] {
  const lines: TaskLine[] = [];
  for (const raw of script.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const match = LABELLED.exec(line);
    const label = match?.[1]?.trim();
    const labelled = label !== undefined && !NOT_A_LABEL.test(label);
    const speaker = labelled && !NARRATOR.test(label) ? label : null;
    const words = labelled ? match![2]!.trim() : line;
    for (const sentence of words.split(SENTENCE_END)) {
      const text = sentence.trim();
      if (text) lines.push({ speaker, text });
    }
  }
  return lines;
}

const CJK_CHAR = /[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/gu;
const WORD_CHAR = /[\p{L}\p{N}]/gu;

/**
 * About how long a line takes to say, in seconds, at the local voices' natural pace (measured:
 * 2.9–3.7 Han characters and 15–17 Latin characters a second). Errs long: the render fits the
 * clip to the real speech.
 */
export function estimateSpeechSec(text: string): number {
  const cjk = text.match(CJK_CHAR)?.length ?? 0;
  const other = (text.match(WORD_CHAR)?.length ?? 0) - cjk;
  return cjk / 3.1 + other / 14.5 + 0.3;
}

/** The longest clip a video task may make (generate-video's duration_sec maximum). */
export const MAX_TASK_SEC = 300;

/** Fade-in, fade-out and the pause between lines, as the renderer lays dialogue out. */
const LEAD_SEC = 0.7;
const TAIL_SEC = 0.7;
const GAP_SEC = 0.3;

/** Seconds a clip needs to speak every line, rounded up to a whole second. */
export function neededDurationSec(lines: readonly TaskLine[]): number {
  if (lines.length === 0) return 0;
  const speech = lines.reduce((sum, l) => sum + estimateSpeechSec(l.text), 0);
  return Math.ceil(LEAD_SEC + TAIL_SEC + speech + GAP_SEC * (lines.length - 1));
}

export const taskLanguage = (lines: readonly TaskLine[]): Language =>
  detectLanguage(lines.map((l) => l.text).join(' '));

export interface VoicedTaskLine extends TaskLine {
  voice: VoiceId;
}

/**
 * A voice for everyone who speaks, the narrator included: a scene's own cast keeps its voices, anyone
 * else gets a distinct one while they last (the same name always the same voice within the task).
 */
export function voiceTaskLines(
  lines: readonly TaskLine[],
  language: Language,
  cast: readonly VoiceCandidate[] = [],
): VoicedTaskLine[] {
  const speakers = [...new Set(lines.map((l) => l.speaker ?? ''))];
  const candidates = speakers.map(
    (name) => cast.find((c) => c.name === name) ?? { name, gender: 'unknown' as const },
  );
  const voices = new Map(assignVoices(candidates, language).map((c) => [c.name, c.voice]));
  return lines.map((l) => ({ ...l, voice: voices.get(l.speaker ?? '')! }));
}
