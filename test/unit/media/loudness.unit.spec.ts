import { describe, expect, it } from '@jest/globals';
import { mixSceneAudio } from '../../../src/infrastructure/media/audio-mix.js';
import {
  CEILING_DBFS,
  integratedLoudness,
  limitPeaks,
  normaliseLoudness,
} from '../../../src/infrastructure/media/loudness.js';
import { synthesizeMusic } from '../../../src/infrastructure/media/music.js';
import type { PcmAudio } from '../../../src/infrastructure/media/wav.js';

const sine = (rate: number, sec: number, hz: number, amplitude: number) =>
  Float32Array.from(
    { length: Math.round(rate * sec) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
  );
const peakDb = (...channels: Float32Array[]) =>
  20 * Math.log10(Math.max(...channels.map((c) => c.reduce((m, v) => Math.max(m, Math.abs(v)), 0))));
const channelsOf = (pcm: PcmAudio) => {
  const frames = pcm.samples.length / 2;
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = (pcm.samples[2 * i] as number) / 32768;
    right[i] = (pcm.samples[2 * i + 1] as number) / 32768;
  }
  return [left, right] as const;
};

describe('integrated loudness (BS.1770)', () => {
  it('reads a 1 kHz stereo sine at −23 dBFS as −23 LUFS at any rate (the EBU Tech 3341 calibration)', () => {
    for (const rate of [22050, 24000, 44100, 48000]) {
      const tone = sine(rate, 5, 1000, 10 ** (-23 / 20));
      expect([rate, integratedLoudness(tone, tone, rate)]).toEqual([rate, expect.closeTo(-23, 1)]);
    }
  });

  it('leaves quiet passages out (gating): speech with long pauses reads as loud as the speech', () => {
    const rate = 24000;
    const loud = sine(rate, 4, 440, 0.2);
    const gapped = new Float32Array(rate * 12);
    gapped.set(loud, 0);
    gapped.set(loud, rate * 8);
    const plain = integratedLoudness(loud, loud, rate);
    expect(integratedLoudness(gapped, gapped, rate)).toBeCloseTo(plain, 0);
    expect(integratedLoudness(new Float32Array(rate), new Float32Array(rate), rate)).toBe(-Infinity);
  });
});

describe('normalisation', () => {
  it('brings a quiet mix to −14 LUFS and keeps every sample under the ceiling', () => {
    const rate = 24000;
    // A quiet bed with short loud transients (a door, a plosive) that would clip if simply gained up.
    const left = sine(rate, 10, 220, 0.05);
    const right = sine(rate, 10, 330, 0.05);
    for (let at = rate / 2; at < left.length; at += rate) {
      for (let i = at; i < at + rate * 0.005; i++) {
        left[i] = 0.9 * Math.sin((2 * Math.PI * 900 * i) / rate);
        right[i] = left[i]!;
      }
    }
    const result = normaliseLoudness(left, right, rate);
    expect(result.beforeLufs).toBeLessThan(-20);
    expect(integratedLoudness(left, right, rate)).toBeCloseTo(-14, 0);
    expect(peakDb(left, right)).toBeLessThanOrEqual(CEILING_DBFS + 1e-6);
  });

  it('limits without a click: the gain eases over milliseconds instead of jumping at the peak', () => {
    const rate = 48000;
    // 50 ms at twice the ceiling inside a tone at half of it.
    const input = Float32Array.from({ length: rate / 5 }, (_, i) => {
      const amplitude = i >= 4800 && i < 7200 ? 1.0 : 0.25;
      return amplitude * Math.sin((2 * Math.PI * 200 * i) / rate);
    });
    const left = input.slice();
    const right = input.slice();
    limitPeaks(left, right, rate, 0.5);
    expect(peakDb(left)).toBeLessThanOrEqual(20 * Math.log10(0.5) + 1e-6);
    // The applied gain, read wherever the input is large enough: it moves by under 1 % per sample (a hard
    // clip or a gain switched at the peak would move by up to 50 %).
    let previous = { at: 0, gain: 1 };
    let largestStep = 0;
    for (let i = 0; i < input.length; i++) {
      if (Math.abs(input[i]!) < 0.1) continue;
      const gain = left[i]! / input[i]!;
      largestStep = Math.max(largestStep, Math.abs(gain - previous.gain) / (i - previous.at));
      previous = { at: i, gain };
    }
    expect(largestStep).toBeLessThan(0.01);
    expect(left[100]).toBeCloseTo(input[100]!, 6); // far from the burst: untouched
  });

  it('works only around the peaks, with exactly the result of limiting the whole signal', () => {
    // The whole-signal limiter as it was: gain from the minimum need over ±window, averaged over ±window/2.
    const whole = (left: Float32Array, right: Float32Array, rate: number, ceiling: number) => {
      const n = left.length;
      const window = Math.max(1, Math.round(0.005 * rate));
      const half = Math.max(1, Math.floor(window / 2));
      const need = Float32Array.from({ length: n }, (_, i) => {
        const peak = Math.max(Math.abs(left[i]!), Math.abs(right[i]!));
        return peak > ceiling ? ceiling / peak : 1;
      });
      const floor = need.map((_, i) => {
        let min = 1;
        for (let k = Math.max(0, i - window); k <= Math.min(n - 1, i + window); k++)
          min = Math.min(min, need[k]!);
        return min;
      });
      for (let i = 0; i < n; i++) {
        let sum = 0;
        const from = Math.max(0, i - half);
        const to = Math.min(n, i + half + 1);
        for (let k = from; k < to; k++) sum += floor[k]!;
        const gain = Math.min(1, sum / (to - from));
        left[i] = left[i]! * gain;
        right[i] = right[i]! * gain;
      }
    };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rate = 22050;
    for (const density of [0, 0.0002, 0.002, 0.05]) {
      // Quiet noise with peaks at random places: alone, in clusters, at both ends.
      const signal = () =>
        Float32Array.from({ length: rate / 2 }, (_, i) =>
          i === 0 || i === rate / 2 - 1 || random() < density ? (random() - 0.5) * 3 : (random() - 0.5) * 0.4,
        );
      const left = signal();
      const right = signal();
      const expectedLeft = left.slice();
      const expectedRight = right.slice();
      whole(expectedLeft, expectedRight, rate, 0.5);
      limitPeaks(left, right, rate, 0.5);
      let worst = 0;
      for (let i = 0; i < left.length; i++) {
        worst = Math.max(
          worst,
          Math.abs(left[i]! - expectedLeft[i]!),
          Math.abs(right[i]! - expectedRight[i]!),
        );
      }
      expect(worst).toBeLessThan(1e-6);
    }
  });
});

describe('a scene mix', () => {
  it('is delivered at −14 LUFS whatever the music and speech levels', () => {
    const music = synthesizeMusic({ durationSec: 12, seed: 5, mood: 'tense' });
    const rate = 22050;
    const speech = Int16Array.from({ length: rate * 3 }, (_, i) =>
      Math.round(6000 * Math.sin(i / 4) * Math.sin(i / 900)),
    );
    const mix = mixSceneAudio({
      durationSec: 12,
      music,
      speech: [2, 6].map((startSec) => ({
        startSec,
        pcm: { sampleRate: rate, channels: 1, samples: speech },
      })),
      outputRate: 44100,
      fadeSec: 0.4,
    });
    const [left, right] = channelsOf(mix);
    expect(integratedLoudness(left, right, 44100)).toBeCloseTo(-14, 0);
    expect(peakDb(left, right)).toBeLessThanOrEqual(CEILING_DBFS + 0.01);
  });

  it('holds the music ducked through a short pause between lines, and lets it back up in a long one', () => {
    const music = synthesizeMusic({ durationSec: 14, seed: 3, mood: 'calm' });
    const silentLine = (sec: number): PcmAudio => ({
      sampleRate: 22050,
      channels: 1,
      samples: new Int16Array(Math.round(sec * 22050)),
    });
    // Lines at 1–3 s and 4–6 s (a 1 s pause), then 10–12 s (a 4 s pause before it).
    const mix = mixSceneAudio({
      durationSec: 14,
      music,
      speech: [1, 4, 10].map((startSec) => ({ startSec, pcm: silentLine(2) })),
      outputRate: 44100,
      fadeSec: 0.4,
    });
    const [left] = channelsOf(mix);
    const level = (from: number, to: number) => {
      let sum = 0;
      for (let i = Math.round(from * 44100); i < Math.round(to * 44100); i++) sum += left[i]! ** 2;
      return Math.sqrt(sum / ((to - from) * 44100));
    };
    const underLine = level(1.5, 2.5);
    expect(level(3.3, 3.8) / underLine).toBeLessThan(1.3); // the short pause stays ducked
    expect(level(7.5, 9.5) / underLine).toBeGreaterThan(2.5); // the long pause lets the music back
  });
});
