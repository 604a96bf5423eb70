import type { PcmAudio } from '../../src/infrastructure/media/wav.js';

/**
 * Median fundamental frequency (Hz) of the voiced parts of mono speech: per 40 ms frame (10 ms hop), the
 * lag of the highest normalised autocorrelation between 60 and 500 Hz, kept when the frame is loud enough
 * and clearly periodic (correlation ≥ 0.6). Enough to tell voices apart by pitch, as a listener would.
 */
export function medianPitchHz(pcm: PcmAudio): number {
  const rate = pcm.sampleRate;
  const mono = new Float32Array(pcm.samples.length / pcm.channels);
  for (let i = 0; i < mono.length; i++) mono[i] = (pcm.samples[i * pcm.channels] as number) / 32768;
  const frame = Math.round(0.04 * rate);
  const hop = Math.round(0.01 * rate);
  const minLag = Math.floor(rate / 500);
  const maxLag = Math.ceil(rate / 60);
  let loudest = 0;
  for (const v of mono) loudest = Math.max(loudest, Math.abs(v));
  const pitches: number[] = [];
  for (let start = 0; start + frame + maxLag < mono.length; start += hop) {
    let energy = 0;
    for (let i = start; i < start + frame; i++) energy += mono[i]! ** 2;
    if (Math.sqrt(energy / frame) < loudest * 0.1) continue;
    let best = 0;
    let bestLag = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let cross = 0;
      let shifted = 0;
      for (let i = start; i < start + frame; i++) {
        cross += mono[i]! * mono[i + lag]!;
        shifted += mono[i + lag]! ** 2;
      }
      const r = cross / Math.sqrt(energy * shifted || 1);
      if (r > best) {
        best = r;
        bestLag = lag;
      }
    }
    if (best >= 0.6 && bestLag > 0) pitches.push(rate / bestLag);
  }
  pitches.sort((a, b) => a - b);
  return pitches.length ? pitches[Math.floor(pitches.length / 2)]! : NaN;
}
