import { normaliseLoudness } from './loudness.js';
import type { MusicBed } from './music.js';
import { softClip, upsampleToStereoPcm, type PcmAudio } from './wav.js';

export interface PlacedSpeech {
  startSec: number;
  /** Mono 16-bit speech at any rate; resampled to the bed's rate. */
  pcm: PcmAudio;
}

export interface SceneMixOptions {
  durationSec: number;
  music: MusicBed;
  speech: readonly PlacedSpeech[];
  /** Output rate: an integer multiple of the bed's rate. */
  outputRate: number;
  fadeSec: number;
  /**
   * Ends where the music carries on into the neighbouring scene of the episode (the bed is a stretch of
   * one track): no fade there, only a few milliseconds against a click at the cut.
   */
  carry?: { in: boolean; out: boolean };
}

const SPEECH_PEAK = 0.8;
const MUSIC_PEAK = 0.32;
/** Music under speech: about -11 dB. */
const DUCKED = 0.28;
const DUCK_LEAD_SEC = 0.12;
const DUCK_HOLD_SEC = 0.25;
const ATTACK_SEC = 0.08;
const RELEASE_SEC = 0.45;
/** Pauses between lines shorter than this keep the music ducked, so it does not swell and sink again. */
const HOLD_ACROSS_GAP_SEC = 1.5;
/** The ramp at a carried cut: long enough that the join does not click, too short to hear as a dip. */
const CUT_RAMP_SEC = 0.015;

function resampleMono(pcm: PcmAudio, rate: number): Float32Array {
  const ratio = pcm.sampleRate / rate;
  const length = Math.floor(pcm.samples.length / ratio);
  const out = new Float32Array(length);
  let peak = 1;
  for (const v of pcm.samples) peak = Math.max(peak, Math.abs(v));
  const gain = SPEECH_PEAK / peak; // every voice equally loud, whatever its variant's level
  for (let i = 0; i < length; i++) {
    const x = i * ratio;
    const j = Math.floor(x);
    const a = (pcm.samples[j] as number) ?? 0;
    const b = (pcm.samples[j + 1] as number | undefined) ?? a;
    out[i] = (a + (b - a) * (x - j)) * gain;
  }
  return out;
}

/**
 * Voice-over over the music bed, mixed in JavaScript: the bed is ducked under speech by a smoothed gain
 * (the speech times are known, so no sidechain detection is needed), the whole mix fades in and out,
 * and the result is upsampled once to the output rate. This keeps ffmpeg's job to one AAC encode.
 */
export function mixSceneAudio(options: SceneMixOptions): PcmAudio {
  const rate = options.music.sampleRate;
  const length = Math.round(options.durationSec * rate);
  const musicLeft = options.music.left;
  const musicRight = options.music.right;
  const musicLength = Math.min(length, musicLeft.length, musicRight.length);
  let musicPeak = 1e-6;
  for (let i = 0; i < musicLength; i++) {
    const l = Math.abs(musicLeft[i] as number);
    const r = Math.abs(musicRight[i] as number);
    if (l > musicPeak) musicPeak = l;
    if (r > musicPeak) musicPeak = r;
  }
  const musicGain = MUSIC_PEAK / musicPeak;
  const voice = new Float32Array(length);
  const target = new Float32Array(length).fill(1);
  for (const placed of options.speech) {
    const samples = resampleMono(placed.pcm, rate);
    const at = Math.round(placed.startSec * rate);
    const from = Math.max(0, -at);
    const to = Math.min(samples.length, length - at);
    for (let i = from; i < to; i++) voice[at + i] = (voice[at + i] as number) + (samples[i] as number);
    const duckFrom = Math.max(0, at - Math.round(DUCK_LEAD_SEC * rate));
    const duckTo = Math.min(length, at + samples.length + Math.round(DUCK_HOLD_SEC * rate));
    if (duckTo > duckFrom) target.fill(DUCKED, duckFrom, duckTo);
  }
  holdAcrossShortGaps(target, Math.round(HOLD_ACROSS_GAP_SEC * rate));
  const attack = 1 - Math.exp(-1 / (ATTACK_SEC * rate));
  const release = 1 - Math.exp(-1 / (RELEASE_SEC * rate));
  const rampOf = (sec: number) => {
    const n = Math.max(1, Math.min(Math.floor(length / 2), Math.round(sec * rate)));
    return Float32Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((Math.PI * i) / n));
  };
  const rampIn = rampOf(options.carry?.in ? CUT_RAMP_SEC : options.fadeSec);
  const rampOut = rampOf(options.carry?.out ? CUT_RAMP_SEC : options.fadeSec);
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  let duck = length > 0 ? (target[0] as number) : 1;
  for (let i = 0; i < length; i++) {
    const goal = target[i] as number;
    duck += (goal - duck) * (goal < duck ? attack : release);
    let gain = 1;
    if (i < rampIn.length) gain = rampIn[i] as number;
    else if (i >= length - rampOut.length) gain = rampOut[length - 1 - i] as number;
    const m = duck * musicGain;
    const v = voice[i] as number;
    const l = i < musicLength ? (musicLeft[i] as number) : 0;
    const r = i < musicLength ? (musicRight[i] as number) : 0;
    left[i] = (l * m + v) * gain;
    right[i] = (r * m + v) * gain;
  }
  // Every scene at the platforms' −14 LUFS with headroom for the true peak, so episodes (scenes joined
  // by stream copy) are too; the soft clip below is then only a guard.
  normaliseLoudness(left, right, rate);
  for (let i = 0; i < length; i++) {
    left[i] = softClip(left[i] as number);
    right[i] = softClip(right[i] as number);
  }
  return upsampleToStereoPcm(left, right, rate, Math.round(options.outputRate / rate));
}

/** Fills (in place) every unducked stretch shorter than `maxGap` samples that lies between two ducked ones. */
function holdAcrossShortGaps(target: Float32Array, maxGap: number): void {
  let lastDucked = -1;
  for (let i = 0; i < target.length; i++) {
    if ((target[i] as number) < 1) {
      if (lastDucked >= 0 && i - lastDucked > 1 && i - lastDucked - 1 <= maxGap) {
        target.fill(DUCKED, lastDucked + 1, i);
      }
      lastDucked = i;
    }
  }
}
