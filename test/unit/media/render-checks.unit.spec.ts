import { describe, expect, it } from '@jest/globals';
import { darkestWindowShare, silentStretches } from '../../../src/infrastructure/media/render-checks.js';

const stereo = (rate: number, levels: readonly [seconds: number, amplitude: number][]) => {
  const frames = levels.reduce((n, [sec]) => n + Math.round(sec * rate), 0);
  const samples = new Int16Array(frames * 2);
  let at = 0;
  for (const [sec, amplitude] of levels) {
    for (let i = 0; i < Math.round(sec * rate); i++, at++) {
      const v = i % 2 ? amplitude : -amplitude; // a square wave: never near zero
      samples[2 * at] = v;
      samples[2 * at + 1] = -v;
    }
  }
  return { sampleRate: rate, channels: 2, samples };
};

describe('silentStretches (silencedetect on the mix)', () => {
  it('finds every stretch under −50 dBFS of at least the minimum, one still open at the end included', () => {
    // −50 dBFS is |sample| < 103.6: 90 is silence, 200 is not.
    const pcm = stereo(1000, [
      [2, 8000],
      [3, 90],
      [1, 8000],
      [0.4, 0],
      [1, 200],
      [2.5, 0],
    ]);
    expect(silentStretches(pcm, { thresholdDb: -50, minSec: 0.5 })).toEqual([
      { startSec: 2, durationSec: 3 },
      { startSec: 7.4, durationSec: 2.5 },
    ]);
  });

  it('counts a stretch as silent only when every channel is', () => {
    const pcm = stereo(1000, [[3, 0]]);
    for (let i = 1000; i < 1100; i++) pcm.samples[2 * i + 1] = 5000; // the right channel speaks at 1 s
    expect(silentStretches(pcm, { thresholdDb: -50, minSec: 0.5 })).toEqual([
      { startSec: 0, durationSec: 1 },
      { startSec: 1.1, durationSec: 1.9 },
    ]);
  });
});

describe('darkestWindowShare (blackdetect over every camera position)', () => {
  const plane = (w: number, h: number, dark: (x: number, y: number) => boolean) => {
    const luma = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) luma[y * w + x] = dark(x, y) ? 16 : 120;
    return luma;
  };

  it('is the share of black pixels of the darkest window, wherever the camera stands', () => {
    // 12×4 plane, dark on the left 6 columns; an 6×4 window over them is all dark, the right one none.
    const luma = plane(12, 4, (x) => x < 6);
    expect(darkestWindowShare(luma, 12, 4, 6, 4, 37)).toBe(1);
    expect(darkestWindowShare(luma, 12, 4, 12, 4, 37)).toBe(0.5);
    expect(
      darkestWindowShare(
        plane(12, 4, () => false),
        12,
        4,
        6,
        4,
        37,
      ),
    ).toBe(0);
  });

  it('counts pixels at the threshold as black, as blackdetect does', () => {
    const luma = new Uint8Array(4).fill(37);
    expect(darkestWindowShare(luma, 2, 2, 2, 2, 37)).toBe(1);
    expect(darkestWindowShare(luma, 2, 2, 2, 2, 36)).toBe(0);
  });
});
