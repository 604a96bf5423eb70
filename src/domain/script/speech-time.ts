/**
 * How long the offline voices take to say a line, and how the renderer lays a scene's lines out, so a
 * writer can give every scene as much time as its dialogue fills (no dead air at the end).
 *
 * Fitted by least squares on 146 template lines spoken by every local voice (espeak-ng through
 * LocalTts at speed 1, silence trimmed): Mandarin ≈ 0.284 s a Han character plus 0.121 s a pause mark;
 * English ≈ 0.059 s a letter or digit, 0.025 s a word and 0.331 s a pause mark (RMS error 0.2 s a line).
 * The voices' own rates differ by ±7 %; this is their average.
 */
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/gu;
const LATIN = /[A-Za-z0-9]/g;
const WORD = /[A-Za-z0-9']+/g;
const PAUSE = /[，。！？、,.!?;:；：…—]/g;

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

export function lineSpeechSec(line: string): number {
  const han = count(line, HAN);
  const pauses = count(line, PAUSE);
  if (han > 0) return Math.max(0.4, 0.284 * han + 0.121 * pauses + 0.06 * count(line, LATIN));
  return Math.max(0.4, 0.059 * count(line, LATIN) + 0.025 * count(line, WORD) + 0.331 * pauses - 0.113);
}

/**
 * The renderer's layout (scene-renderer.ts and dialogue-timeline.ts): 0.7 s before the first line and
 * after the last, at least 0.3 s between lines; spare time widens each gap and the lead-in by up to
 * 0.9 s, and the rest is silence at the end.
 */
export const SPEECH_LAYOUT = { leadInSec: 0.7, tailSec: 0.7, minGapSec: 0.3, maxExtraGapSec: 0.9 } as const;

/** Seconds from scene start to the end of its last line, with the smallest gaps. */
export function packedSpeechSec(lines: readonly string[]): number {
  if (lines.length === 0) return 0;
  const speech = lines.reduce((sum, l) => sum + lineSpeechSec(l), 0);
  return SPEECH_LAYOUT.leadInSec + speech + SPEECH_LAYOUT.minGapSec * (lines.length - 1);
}

/** The shortest scene that holds `lines` at a natural pace, tail included. */
export const naturalSceneSec = (lines: readonly string[]) =>
  lines.length === 0 ? 0 : packedSpeechSec(lines) + SPEECH_LAYOUT.tailSec;

/**
 * Estimated silence between the end of the last line and the end of a `durationSec` scene, as the
 * renderer lays the lines out (0 when they need speeding up to fit).
 */
export function trailingSilenceSec(lines: readonly string[], durationSec: number): number {
  if (lines.length === 0) return durationSec;
  const { tailSec, maxExtraGapSec } = SPEECH_LAYOUT;
  const spare = durationSec - tailSec - packedSpeechSec(lines);
  if (spare <= 0) return tailSec;
  const extra = Math.min(maxExtraGapSec, spare / (lines.length + 1));
  return tailSec + spare - extra * lines.length;
}

/** The scene length at which `lines` leave `trailingSec` of silence after the last one. */
export function sceneSecFor(lines: readonly string[], trailingSec: number): number {
  if (lines.length === 0) return 0;
  const { tailSec, maxExtraGapSec } = SPEECH_LAYOUT;
  const n = lines.length;
  const over = Math.max(0, trailingSec - tailSec);
  // Spare time s leaves tail + s/(n+1) while the gaps can still widen, then tail + s - 0.9 n.
  const spare = over <= maxExtraGapSec ? over * (n + 1) : over + maxExtraGapSec * n;
  return packedSpeechSec(lines) + tailSec + spare;
}
