import { describe, expect, it } from '@jest/globals';
import { mixSceneAudio } from '../../../src/infrastructure/media/audio-mix.js';
import { mergeCues } from '../../../src/infrastructure/media/episode-assembler.js';
import { synthesizeMusic } from '../../../src/infrastructure/media/music.js';
import { splitAtPauses, trimSilence } from '../../../src/infrastructure/media/speech-split.js';
import { encodeWav, parseWav, type PcmAudio, wavDurationSec } from '../../../src/infrastructure/media/wav.js';

const RATE = 22050;
const tone = (sec: number) =>
  Int16Array.from({ length: Math.round(sec * RATE) }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
const silence = (sec: number) => new Int16Array(Math.round(sec * RATE));
const join = (...parts: Int16Array[]): PcmAudio => {
  const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { sampleRate: RATE, channels: 1, samples };
};
const rms = (values: ArrayLike<number>, from: number, to: number) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (values[i] as number) ** 2;
  return Math.sqrt(sum / (to - from));
};

describe('WAV', () => {
  it('round-trips 16-bit PCM', () => {
    const pcm = { sampleRate: 44100, channels: 2, samples: Int16Array.from([0, 1, -1, 32767, -32768, 1234]) };
    const back = parseWav(encodeWav(pcm));
    expect(back.sampleRate).toBe(44100);
    expect(back.channels).toBe(2);
    expect([...back.samples]).toEqual([...pcm.samples]);
  });

  it('rejects what is not a WAV file', () => {
    expect(() => parseWav(new Uint8Array(64))).toThrow(/RIFF/);
  });

  it('reads the duration from the header, also when a streaming writer left the data size unset', () => {
    const wav = encodeWav({ sampleRate: 24000, channels: 2, samples: new Int16Array(24000 * 2 * 3) });
    expect(wavDurationSec(wav)).toBe(3);
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0xffffffff, streamed.indexOf('data') + 4);
    expect(wavDurationSec(streamed)).toBe(3);
    expect(() => wavDurationSec(new Uint8Array(64))).toThrow(/RIFF/);
  });
});

describe('speech splitting', () => {
  it('trims silence at both ends', () => {
    const trimmed = trimSilence(join(silence(0.5), tone(1), silence(0.7)));
    expect(trimmed.samples.length / RATE).toBeGreaterThan(1);
    expect(trimmed.samples.length / RATE).toBeLessThan(1.1);
  });

  it('cuts at long pauses only, and refuses when the count does not match', () => {
    const audio = join(tone(1), silence(0.3), tone(0.5), silence(1.5), tone(2), silence(1.5), tone(0.8));
    const pieces = splitAtPauses(audio, 3, 0.9);
    // Each piece is its speech plus up to 30 ms kept on each trimmed side.
    const lengths = pieces?.map((p) => p.samples.length / RATE) ?? [];
    [1.8, 2, 0.8].forEach((speech, i) => {
      expect(lengths[i]).toBeGreaterThanOrEqual(speech);
      expect(lengths[i]).toBeLessThanOrEqual(speech + 0.07);
    });
    expect(splitAtPauses(audio, 2, 0.9)).toBeUndefined();
  });
});

describe('music', () => {
  it('is deterministic per seed and mood, and different across seeds and moods', () => {
    const a = synthesizeMusic({ durationSec: 3, seed: 1, mood: 'calm' });
    const b = synthesizeMusic({ durationSec: 3, seed: 1, mood: 'calm' });
    const c = synthesizeMusic({ durationSec: 3, seed: 2, mood: 'calm' });
    const d = synthesizeMusic({ durationSec: 3, seed: 1, mood: 'tense' });
    expect(Buffer.from(a.left.buffer).equals(Buffer.from(b.left.buffer))).toBe(true);
    expect(Buffer.from(a.left.buffer).equals(Buffer.from(c.left.buffer))).toBe(false);
    expect(Buffer.from(a.left.buffer).equals(Buffer.from(d.left.buffer))).toBe(false);
    expect(a.left.length).toBe(3 * 22050);
    expect(rms(a.left, 0, a.left.length)).toBeGreaterThan(0.01);
  });
});

describe('music across cuts', () => {
  const whole = synthesizeMusic({ durationSec: 10, seed: 7, mood: 'hopeful' });
  const first = synthesizeMusic({ durationSec: 4, seed: 7, mood: 'hopeful' });
  const second = synthesizeMusic({ durationSec: 6, seed: 7, mood: 'hopeful', offsetSec: 4 });

  it('cuts one track into stretches that join into the whole track', () => {
    expect(first.left.length + second.left.length).toBe(whole.left.length);
    let worst = 0;
    for (const [part, at] of [
      [first, 0],
      [second, first.left.length],
    ] as const) {
      // The last sample of a stretch is interpolated without its successor: a sub-sample difference.
      for (let i = 0; i < part.left.length - 1; i++) {
        worst = Math.max(worst, Math.abs((part.left[i] as number) - (whole.left[at + i] as number)));
        worst = Math.max(worst, Math.abs((part.right[i] as number) - (whole.right[at + i] as number)));
      }
    }
    expect(worst).toBeLessThan(1e-4); // float rounding of the oscillators' phase; the bed peaks near 0.3
    // A stretch from the start of the track would be another passage of music.
    const fromStart = synthesizeMusic({ durationSec: 6, seed: 7, mood: 'hopeful' });
    expect(
      rms(
        fromStart.left.map((v, i) => v - (second.left[i] as number)),
        0,
        22050,
      ),
    ).toBeGreaterThan(0.005);
  });

  it('keeps the bed playing at a carried cut and fades only at the episode ends', () => {
    const mix = (carry: { in: boolean; out: boolean }) => {
      const pcm = mixSceneAudio({
        durationSec: 6,
        music: second,
        speech: [],
        outputRate: 22050,
        fadeSec: 0.4,
        carry,
      });
      return Float32Array.from({ length: pcm.samples.length / 2 }, (_, i) => pcm.samples[2 * i] as number);
    };
    const carried = mix({ in: true, out: true });
    const faded = mix({ in: false, out: false });
    const body = rms(carried, 22050, 5 * 22050);
    // The first and last 50 ms: music at its level where the scene continues the track, silence-ish
    // where it fades (the old behaviour at every cut).
    const edge = (x: Float32Array, atEnd: boolean) =>
      atEnd ? rms(x, x.length - 1102, x.length) : rms(x, 0, 1102);
    expect(edge(carried, false) / body).toBeGreaterThan(0.5);
    expect(edge(carried, true) / body).toBeGreaterThan(0.5);
    expect(edge(faded, false) / body).toBeLessThan(0.05);
    expect(edge(faded, true) / body).toBeLessThan(0.05);
  });
});

describe('mixSceneAudio', () => {
  const music = synthesizeMusic({ durationSec: 6, seed: 3, mood: 'calm' });
  const mix = mixSceneAudio({
    durationSec: 6,
    music,
    speech: [{ startSec: 2, pcm: join(silence(0.01), tone(2)) }],
    outputRate: 44100,
    fadeSec: 0.4,
  });
  const left = Int16Array.from({ length: mix.samples.length / 2 }, (_, i) => mix.samples[2 * i] as number);

  it('is stereo at the output rate and exactly as long as planned', () => {
    expect(mix).toMatchObject({ sampleRate: 44100, channels: 2 });
    expect(mix.samples.length).toBe(6 * 44100 * 2);
  });

  it('fades in from silence and out to silence', () => {
    expect(Math.abs(left[0] as number)).toBeLessThan(50);
    expect(Math.abs(left.at(-1) as number)).toBeLessThan(50);
  });

  it('ducks the music under speech and brings it back afterwards', () => {
    // A silent "line" still ducks the bed: the duck follows the placement, so the bed's level is visible.
    const ducked = mixSceneAudio({
      durationSec: 6,
      music,
      speech: [{ startSec: 2, pcm: join(silence(2)) }],
      outputRate: 44100,
      fadeSec: 0.4,
    });
    const plain = mixSceneAudio({ durationSec: 6, music, speech: [], outputRate: 44100, fadeSec: 0.4 });
    const level = (pcm: PcmAudio, from: number, to: number) =>
      rms(pcm.samples, Math.round(from * 44100) * 2, Math.round(to * 44100) * 2);
    // Both mixes are normalised to the same loudness, so compare the bed under the line with the bed
    // after it, each against the undisturbed mix.
    const underLine = level(ducked, 2.5, 3.5) / level(plain, 2.5, 3.5);
    const afterwards = level(ducked, 5.2, 5.5) / level(plain, 5.2, 5.5);
    expect(underLine / afterwards).toBeLessThan(0.4);
    expect(afterwards).toBeGreaterThan(0.8);
    expect(level(mix, 2.5, 3.5)).toBeGreaterThan(level(mix, 5.2, 5.5) * 3); // the speech stands over the bed
  });
});

describe('mergeCues', () => {
  it('shifts each clip’s cues by the planned durations before it', () => {
    const merged = mergeCues([
      { durationSec: 5, cues: [{ startSec: 1, endSec: 2, text: 'a' }] },
      { durationSec: 4, cues: [{ startSec: 0.5, endSec: 4.5, text: 'b' }] },
      { durationSec: 3, cues: [{ startSec: 1, endSec: 1.5, speaker: 'S', text: 'c' }] },
    ]);
    expect(merged).toEqual([
      { startSec: 1, endSec: 2, text: 'a' },
      { startSec: 5.5, endSec: 9, text: 'b' },
      { startSec: 10, endSec: 10.5, speaker: 'S', text: 'c' },
    ]);
  });
});
