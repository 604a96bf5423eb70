import { writeFile } from 'node:fs/promises';
import { throwIfAborted } from './abort.js';
import { encodeWav, upsampleToStereoPcm } from './wav.js';

export type Mood = 'calm' | 'warm' | 'hopeful' | 'romantic' | 'sad' | 'tense' | 'mystery';
export const MOODS: readonly Mood[] = ['calm', 'warm', 'hopeful', 'romantic', 'sad', 'tense', 'mystery'];

export interface MusicBed {
  sampleRate: number;
  left: Float32Array;
  right: Float32Array;
}

interface MoodStyle {
  /** Chords as semitone offsets from the key's root. */
  progressions: number[][][];
  chordSec: [number, number];
  /** Seconds between arpeggio notes; 0 = none. */
  pluckEverySec: number;
  brightness: number;
  pulseHz: number;
}

const MAJOR = {
  I: [0, 4, 7, 12],
  ii: [2, 5, 9, 14],
  IV: [5, 9, 12, 16],
  V: [7, 11, 14, 19],
  vi: [9, 12, 16, 21],
};
const MINOR = {
  i: [0, 3, 7, 12],
  iv: [5, 8, 12, 15],
  v: [7, 10, 14, 19],
  VI: [8, 12, 15, 20],
  III: [3, 7, 10, 15],
};
const SEVENTHS = { Imaj7: [0, 4, 7, 11], vi7: [9, 12, 16, 19], ii7: [2, 5, 9, 12], IVmaj7: [5, 9, 12, 16] };

const STYLES: Record<Mood, MoodStyle> = {
  calm: {
    progressions: [
      [MAJOR.I, MAJOR.V, MAJOR.vi, MAJOR.IV],
      [MAJOR.I, MAJOR.IV, MAJOR.I, MAJOR.V],
    ],
    chordSec: [4, 6],
    pluckEverySec: 0,
    brightness: 0.25,
    pulseHz: 0,
  },
  warm: {
    progressions: [[SEVENTHS.Imaj7, SEVENTHS.IVmaj7, SEVENTHS.vi7, MAJOR.V]],
    chordSec: [3.5, 5],
    pluckEverySec: 0.75,
    brightness: 0.3,
    pulseHz: 0,
  },
  hopeful: {
    progressions: [
      [MAJOR.IV, MAJOR.I, MAJOR.V, MAJOR.vi],
      [MAJOR.vi, MAJOR.IV, MAJOR.I, MAJOR.V],
    ],
    chordSec: [3, 4],
    pluckEverySec: 0.5,
    brightness: 0.35,
    pulseHz: 0,
  },
  romantic: {
    progressions: [[SEVENTHS.Imaj7, SEVENTHS.vi7, SEVENTHS.ii7, MAJOR.V]],
    chordSec: [4, 5],
    pluckEverySec: 0.6,
    brightness: 0.3,
    pulseHz: 0,
  },
  sad: {
    progressions: [
      [MINOR.i, MINOR.VI, MINOR.III, MINOR.v],
      [MINOR.i, MINOR.iv, MINOR.VI, MINOR.v],
    ],
    chordSec: [5, 7],
    pluckEverySec: 1.2,
    brightness: 0.2,
    pulseHz: 0,
  },
  tense: {
    progressions: [[MINOR.i, MINOR.i, MINOR.VI, MINOR.v]],
    chordSec: [3, 4],
    pluckEverySec: 0.25,
    brightness: 0.3,
    pulseHz: 2,
  },
  mystery: {
    progressions: [[MINOR.i, [1, 5, 8, 13], MINOR.i, [-2, 2, 5, 10]]],
    chordSec: [5, 7],
    pluckEverySec: 0.9,
    brightness: 0.15,
    pulseHz: 0,
  },
};

/** mulberry32: a small, fast, seedable generator, so the same seed always gives the same bed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TABLE_SIZE = 4096;
/** Typed-array builder; Float32Array.from over an array-like is a slow generic path. */
function table(length: number, value: (i: number) => number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = value(i);
  return out;
}

const SINE = table(TABLE_SIZE + 1, (i) => Math.sin((2 * Math.PI * i) / TABLE_SIZE));

/** One period of a sine with its octave overtone baked in: one table pass per note instead of two. */
const padWave = (brightness: number) =>
  table(TABLE_SIZE + 1, (i) => {
    const x = (2 * Math.PI * i) / TABLE_SIZE;
    return (Math.sin(x) + brightness * Math.sin(2 * x)) / (1 + brightness);
  });

/**
 * Adds a sine partial into both channels over [from, to) of the track's own timeline, shaped by
 * `envelope` (indexed from `from`), into a bed that holds the track from sample `origin` on: table
 * lookup instead of Math.sin, and both channels in one pass, since this loop is the whole cost. The phase
 * follows the track's timeline, so two beds cut from one track join without a step.
 */
function addPartial(
  wave: Float32Array,
  bed: MusicBed,
  origin: number,
  span: { from: number; to: number },
  hz: { left: number; right: number },
  level: { left: number; right: number },
  envelope: Float32Array,
) {
  const { left, right, sampleRate } = bed;
  const first = Math.max(span.from, origin);
  const end = Math.min(span.to, origin + left.length);
  if (end <= first) return;
  const levelL = level.left;
  const levelR = level.right;
  const stepL = (hz.left * TABLE_SIZE) / sampleRate;
  const stepR = (hz.right * TABLE_SIZE) / sampleRate;
  let phaseL = (first * stepL) % TABLE_SIZE;
  let phaseR = (first * stepR) % TABLE_SIZE;
  for (let i = first; i < end; i++) {
    const e = envelope[i - span.from] as number;
    const at = i - origin;
    left[at] = (left[at] as number) + (wave[phaseL | 0] as number) * levelL * e;
    right[at] = (right[at] as number) + (wave[phaseR | 0] as number) * levelR * e;
    phaseL += stepL;
    phaseR += stepR;
    if (phaseL >= TABLE_SIZE) phaseL -= TABLE_SIZE;
    if (phaseR >= TABLE_SIZE) phaseR -= TABLE_SIZE;
  }
}

const midiHz = (note: number) => 440 * 2 ** ((note - 69) / 12);

export interface MusicOptions {
  durationSec: number;
  seed: number;
  mood?: Mood;
  sampleRate?: number;
  /**
   * Where this bed starts on the track that `seed` names (default 0). Scenes of one episode take
   * consecutive stretches of one track, so the music carries across their cuts: same key, same chord
   * grid, no phase step where the next scene starts.
   */
  offsetSec?: number;
}

/**
 * A soft, slowly moving pad with bass and (by mood) a sparse arpeggio, synthesised directly as samples:
 * no files, no ffmpeg, and identical output for identical inputs.
 */
export function synthesizeMusic(options: MusicOptions): MusicBed {
  const outputRate = options.sampleRate ?? 22050;
  // Everything here sits below 3 kHz: render at half rate (half the work) and interpolate up.
  const half = outputRate >= 22050 && outputRate % 2 === 0;
  const bed = render({ ...options, sampleRate: half ? outputRate / 2 : outputRate });
  return half ? doubleRate(bed) : bed;
}

function doubleRate(bed: MusicBed): MusicBed {
  const up = (source: Float32Array) => {
    const out = new Float32Array(source.length * 2);
    for (let i = 0; i < source.length; i++) {
      const a = source[i] as number;
      out[2 * i] = a;
      out[2 * i + 1] = i + 1 < source.length ? (a + (source[i + 1] as number)) / 2 : a;
    }
    return out;
  };
  return { sampleRate: bed.sampleRate * 2, left: up(bed.left), right: up(bed.right) };
}

function render(options: MusicOptions & { sampleRate: number }): MusicBed {
  const sampleRate = options.sampleRate;
  const style = STYLES[options.mood ?? 'calm'];
  const rand = random(options.seed);
  const length = Math.max(1, Math.round(options.durationSec * sampleRate));
  // The track is laid out from its start, so every random draw happens in the same order whatever
  // stretch is asked for; only the partials that reach [origin, origin + length) are synthesised.
  const origin = Math.max(0, Math.round((options.offsetSec ?? 0) * sampleRate));
  const trackEnd = origin + length;
  const bed: MusicBed = { sampleRate, left: new Float32Array(length), right: new Float32Array(length) };
  const root = 45 + Math.floor(rand() * 10); // A2..F#3
  const progression = style.progressions[Math.floor(rand() * style.progressions.length)] as number[][];
  const rotate = Math.floor(rand() * progression.length);
  const chordSec = style.chordSec[0] + rand() * (style.chordSec[1] - style.chordSec[0]);
  const fadeSec = Math.min(1.5, chordSec / 3);
  const chordSamples = Math.round(chordSec * sampleRate);
  const pluckLength = Math.round(sampleRate * 1.2);
  // A few milliseconds of attack and a taper to zero: an instant edge is heard as a click.
  const pluck = table(
    pluckLength,
    (i) => Math.min(1, i / (0.006 * sampleRate)) * Math.exp(-i / (0.35 * sampleRate)) * (1 - i / pluckLength),
  );
  const fade = Math.round(fadeSec * sampleRate);
  const pad = padWave(style.brightness);
  const ramp = table(fade, (i) => 0.5 - 0.5 * Math.cos((Math.PI * i) / fade));
  for (let start = 0, k = rotate; start < trackEnd; start += chordSamples, k++) {
    const chord = progression[k % progression.length] as number[];
    const from = Math.max(0, start - fade);
    // Not clipped to the stretch asked for: a chord sounds the same whether or not the stretch ends
    // inside it (the scene's own fade, or the next scene's stretch, takes it from there).
    const to = start + chordSamples + fade;
    const span = { from, to };
    // Raised-cosine crossfade into and out of each chord.
    const envelope = new Float32Array(to - from).fill(1);
    envelope.set(ramp.subarray(0, start - from), 0);
    for (let i = 0; i < fade && to - 1 - i >= start; i++) envelope[to - 1 - i - from] = ramp[i] as number;
    chord.forEach((interval, voice) => {
      const hz = midiHz(root + 12 + interval);
      const level = 0.16 / chord.length;
      // Slightly different tuning left and right gives the pad width; alternate notes lean left or right.
      const side = voice % 2 ? { left: level, right: level * 0.8 } : { left: level * 0.8, right: level };
      addPartial(pad, bed, origin, span, { left: hz * 0.9985, right: hz * 1.0015 }, side, envelope);
    });
    const bassHz = midiHz(root - 12 + ((chord[0] as number) % 12));
    addPartial(
      SINE,
      bed,
      origin,
      span,
      { left: bassHz, right: bassHz },
      { left: 0.09, right: 0.09 },
      envelope,
    );
    if (style.pluckEverySec > 0) {
      const every = Math.round(style.pluckEverySec * sampleRate);
      for (let at = start, n = 0; at < Math.min(trackEnd, start + chordSamples); at += every, n++) {
        if (rand() < 0.25) continue;
        const hz = midiHz(root + 24 + (chord[Math.floor(rand() * chord.length)] as number));
        const end = Math.min(trackEnd, at + pluck.length);
        const side = n % 2 ? { left: 0.05, right: 0.02 } : { left: 0.02, right: 0.05 };
        addPartial(SINE, bed, origin, { from: at, to: end }, { left: hz, right: hz }, side, pluck);
      }
    }
  }
  if (style.pulseHz > 0) {
    for (let i = 0; i < length; i++) {
      const t = origin + i;
      const pulse =
        0.75 +
        0.25 * (SINE[Math.floor((t * style.pulseHz * TABLE_SIZE) / sampleRate) % TABLE_SIZE] as number);
      bed.left[i] = (bed.left[i] as number) * pulse;
      bed.right[i] = (bed.right[i] as number) * pulse;
    }
  }
  return bed;
}

export async function renderMusicBed(options: {
  durationSec: number;
  seed: number;
  mood?: Mood;
  outPath: string;
  signal?: AbortSignal;
}): Promise<{ path: string; durationSec: number }> {
  throwIfAborted(options.signal, 'music rendering');
  const bed = synthesizeMusic(options);
  let peak = 1e-6;
  for (const channel of [bed.left, bed.right]) for (const v of channel) peak = Math.max(peak, Math.abs(v));
  const gain = 0.5 / peak; // about -6 dBFS, and safely inside the 16-bit range
  for (const channel of [bed.left, bed.right])
    for (let i = 0; i < channel.length; i++) channel[i] = (channel[i] as number) * gain;
  const wav = encodeWav(upsampleToStereoPcm(bed.left, bed.right, bed.sampleRate, 2));
  await writeFile(options.outPath, wav, { signal: options.signal });
  return { path: options.outPath, durationSec: options.durationSec };
}
