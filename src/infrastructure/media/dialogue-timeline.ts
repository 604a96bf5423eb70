import type { Cue } from './subtitles.js';
import { hasReadableText, splitIntoPieces, textColumns, withoutEmoji, wrapBalanced } from './text-wrap.js';

export interface TimelineOptions {
  durationSec: number;
  /** Silence before the first line (the picture fades in). */
  leadInSec?: number;
  /** Time kept free at the end (fade-out). */
  tailSec?: number;
  minGapSec?: number;
  maxGapSec?: number;
}

export interface TimelineSlot {
  index: number;
  startSec: number;
  endSec: number;
}

export interface TimelineLayout {
  slots: TimelineSlot[];
  /** Indexes of trailing lines that did not fit, in order. */
  dropped: number[];
}

const defaults = (o: TimelineOptions) => ({
  durationSec: o.durationSec,
  leadInSec: o.leadInSec ?? 0.6,
  tailSec: o.tailSec ?? 0.6,
  minGapSec: o.minGapSec ?? 0.3,
  maxGapSec: o.maxGapSec ?? 1.2,
});

/** Speed factor (≥ 1) at which all lines would fit with minimal gaps. */
export function requiredSpeedup(speechSec: readonly number[], options: TimelineOptions): number {
  const o = defaults(options);
  const available = o.durationSec - o.leadInSec - o.tailSec - o.minGapSec * Math.max(0, speechSec.length - 1);
  const total = speechSec.reduce((a, b) => a + b, 0);
  if (total === 0) return 1;
  return available <= 0 ? Infinity : Math.max(1, total / available);
}

/**
 * Places lines in order with gaps between them, never past `durationSec - tailSec`. Lines that do not
 * fit are dropped from the end. Spare time widens the gaps (up to `maxGapSec`) and the lead-in, and
 * whatever is still left stays at the end, under the music.
 */
export function layoutDialogue(speechSec: readonly number[], options: TimelineOptions): TimelineLayout {
  const o = defaults(options);
  const windowSec = o.durationSec - o.leadInSec - o.tailSec;
  let kept = 0;
  let used = 0;
  for (const sec of speechSec) {
    const next = used + (kept > 0 ? o.minGapSec : 0) + sec;
    if (next > windowSec + 1e-9) break;
    used = next;
    kept++;
  }
  const dropped = speechSec.map((_, i) => i).slice(kept);
  const spare = windowSec - used;
  const extra = kept > 0 ? Math.min(o.maxGapSec - o.minGapSec, spare / (kept + 1)) : 0;
  let at = o.leadInSec + Math.min(extra, 1);
  const slots: TimelineSlot[] = [];
  for (let i = 0; i < kept; i++) {
    const sec = speechSec[i] as number;
    slots.push({ index: i, startSec: at, endSec: at + sec });
    at += sec + o.minGapSec + extra;
  }
  return { slots, dropped };
}

export interface SpokenLine {
  speaker?: string;
  text: string;
}

/**
 * Subtitle cues from the actual speech timing. A line too long for `maxLines` lines becomes several
 * consecutive cues, each shown for a share of the speech proportional to its length. A cue lingers a
 * little after the speech, but never into the next line or past the end.
 */
export function cuesForTimeline(
  lines: readonly SpokenLine[],
  slots: readonly TimelineSlot[],
  layout: { maxColumns: number; maxLines: number; durationSec: number },
): Cue[] {
  const HOLD_SEC = 0.35;
  const SEPARATION_SEC = 0.05;
  const cues: Cue[] = [];
  slots.forEach((slot, k) => {
    const line = lines[slot.index] as SpokenLine;
    const prefix = line.speaker ? textColumns(`${line.speaker}：`) : 0;
    const width = Math.max(8, layout.maxColumns - prefix);
    // Wrapped here, once, so the burned-in subtitles, SRT and VTT of the scene and of its episode all
    // break lines in the same places; pieces left with nothing readable (an emoji and a quote) are dropped.
    const pieces = splitIntoPieces(withoutEmoji(line.text), width, layout.maxLines)
      .filter(hasReadableText)
      .map((piece) => wrapBalanced(piece, width).join('\n'));
    if (pieces.length === 0) return;
    const weights = pieces.map((p) => Math.max(1, textColumns(p)));
    const total = weights.reduce((a, b) => a + b, 0);
    const next = slots[k + 1]?.startSec ?? layout.durationSec + SEPARATION_SEC;
    const lineEnd = Math.min(slot.endSec + HOLD_SEC, next - SEPARATION_SEC, layout.durationSec);
    let at = slot.startSec;
    pieces.forEach((text, i) => {
      const share = ((slot.endSec - slot.startSec) * (weights[i] as number)) / total;
      const end = i === pieces.length - 1 ? lineEnd : at + share;
      cues.push({ startSec: at, endSec: end, ...(line.speaker && { speaker: line.speaker }), text });
      at = end;
    });
  });
  return cues;
}
