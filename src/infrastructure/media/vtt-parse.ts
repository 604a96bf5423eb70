import type { Cue } from './subtitles.js';

const time = (stamp: string): number => {
  const parts = stamp.trim().split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
};

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Reads back the WebVTT our own toVtt writes (timings, `<v speaker>` and escaped text). */
export function parseVtt(source: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of source.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    const timingAt = lines.findIndex((l) => l.includes('-->'));
    if (timingAt < 0) continue;
    const [start, end] = lines[timingAt]!.split('-->').map((p) => p.trim().split(/\s+/)[0]!);
    let text = lines.slice(timingAt + 1).join('\n');
    let speaker: string | undefined;
    const voice = /^<v ([^>]*)>/.exec(text);
    if (voice) {
      speaker = unescape(voice[1]!);
      text = text.slice(voice[0].length);
    }
    cues.push({
      startSec: time(start!),
      endSec: time(end!),
      ...(speaker ? { speaker } : {}),
      text: unescape(text),
    });
  }
  return cues;
}
