import type { PcmAudio } from './wav.js';

/** Peak below this (-54 dBFS) counts as silence: espeak's breathy variants leave a faint floor in pauses. */
const QUIET_PEAK = 64;
const WINDOW_SEC = 0.01;
const KEEP_SEC = 0.03;

function quietWindows(pcm: PcmAudio): { window: number; quiet: boolean[] } {
  const window = Math.max(1, Math.round(pcm.sampleRate * WINDOW_SEC)) * pcm.channels;
  const quiet: boolean[] = [];
  for (let start = 0; start < pcm.samples.length; start += window) {
    let peak = 0;
    const end = Math.min(pcm.samples.length, start + window);
    for (let i = start; i < end; i++) {
      const v = pcm.samples[i] as number;
      if (v > peak) peak = v;
      else if (-v > peak) peak = -v;
    }
    quiet.push(peak < QUIET_PEAK);
  }
  return { window, quiet };
}

const slice = (pcm: PcmAudio, from: number, to: number): PcmAudio => ({
  ...pcm,
  samples: pcm.samples.slice(Math.max(0, from), Math.min(pcm.samples.length, to)),
});

/** Drops leading and trailing silence, keeping a few milliseconds so onsets are not clipped. */
export function trimSilence(pcm: PcmAudio): PcmAudio {
  const { window, quiet } = quietWindows(pcm);
  const first = quiet.indexOf(false);
  if (first < 0) return slice(pcm, 0, 0);
  const last = quiet.lastIndexOf(false);
  const keep = Math.round(pcm.sampleRate * KEEP_SEC) * pcm.channels;
  return slice(pcm, first * window - keep, (last + 1) * window + keep);
}

/**
 * Splits audio of `count` utterances separated by long pauses (SSML breaks) at the silent runs of at
 * least `minGapSec`. Returns undefined when the pauses found do not match `count`, so the caller can fall
 * back to one synthesis per utterance rather than mis-assign speech to subtitles.
 */
export function splitAtPauses(pcm: PcmAudio, count: number, minGapSec: number): PcmAudio[] | undefined {
  const { window, quiet } = quietWindows(pcm);
  const minWindows = Math.ceil(minGapSec / WINDOW_SEC);
  const first = quiet.indexOf(false);
  const last = quiet.lastIndexOf(false);
  if (first < 0) return undefined;
  const cuts: number[] = [];
  let runStart = -1;
  for (let i = first; i <= last + 1; i++) {
    if (quiet[i] && i <= last) {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      if (i - runStart >= minWindows) cuts.push(Math.floor((runStart + i) / 2));
      runStart = -1;
    }
  }
  if (cuts.length !== count - 1) return undefined;
  const bounds = [0, ...cuts.map((c) => c * window), pcm.samples.length];
  return bounds.slice(1).map((end, i) => trimSilence(slice(pcm, bounds[i] as number, end)));
}
