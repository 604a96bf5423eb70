import type { ClipFacts } from '../../application/ports/media-tools.port.js';
import { runFfmpeg } from './ffmpeg.js';
import { probeMedia, type MediaProbe } from './probe.js';

export interface ClipExpectations {
  width: number;
  height: number;
  durationSec: number;
  toleranceSec?: number;
  requireAudio?: boolean;
  /** Longest acceptable run of black frames; unset = not checked. */
  maxBlackSec?: number;
  /** Longest acceptable run of silence (below -50 dBFS); unset = not checked. */
  maxSilenceSec?: number;
}

export interface ClipReport {
  ok: boolean;
  problems: string[];
  probe?: MediaProbe;
}

export interface Stretch {
  startSec: number;
  durationSec: number;
}

const num = (n: number) => String(Math.round(n * 10) / 10);

export interface Loudness {
  /** Integrated loudness (EBU R 128), LUFS. */
  integratedLufs: number;
  /** True peak over all channels, dBTP. */
  truePeakDb: number;
}

/** Loudness as a platform measures it: ffmpeg's ebur128 filter over the whole audio stream. */
export async function measureLoudness(path: string, signal?: AbortSignal): Promise<Loudness> {
  const { stderr } = await runFfmpeg(
    ['-i', path, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'],
    { logLevel: 'info', signal },
  );
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = /I:\s*(-?[\d.]+|-inf) LUFS/.exec(summary);
  const peak = /True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!integrated || !peak) throw new Error(`no loudness summary from ffmpeg for ${path}`);
  const value = (text: string) => (text === '-inf' ? -Infinity : Number(text));
  return { integratedLufs: value(integrated[1]!), truePeakDb: value(peak[1]!) };
}

/**
 * Checks a rendered clip the way a reviewer would: it opens, has the planned size and length, has
 * sound, and has no long black or silent stretch. Problems are sentences a person can act on.
 *
 * With `facts` recorded by the renderer (render-checks.ts) the clip is not decoded: its container is
 * probed (size, codec, length, audio: a header read), the facts must describe that file, and the black
 * and silent stretches are the facts' (judged by the same rules). A fact the renderer could not know
 * (`black: null`, a remote clip under the subtitles) is measured by decoding, as without facts.
 */
export async function checkClip(
  path: string,
  expected: ClipExpectations,
  signal?: AbortSignal,
  facts?: ClipFacts,
): Promise<ClipReport> {
  const tolerance = expected.toleranceSec ?? 0.5;
  const requireAudio = expected.requireAudio ?? true;
  let probe: MediaProbe;
  try {
    probe = await probeMedia(path, signal);
  } catch (error) {
    return { ok: false, problems: [`cannot be read as media: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  if (!probe.video) problems.push('has no video stream');
  else {
    const { width, height, codec, pixFmt } = probe.video;
    if (width !== expected.width || height !== expected.height) {
      problems.push(`frame size ${width}×${height}, planned ${expected.width}×${expected.height}`);
    }
    if (codec !== 'h264') problems.push(`video codec ${codec}, expected h264`);
    if (pixFmt !== 'yuv420p')
      problems.push(`pixel format ${pixFmt}, expected yuv420p (other formats do not play everywhere)`);
  }
  if (Math.abs(probe.durationSec - expected.durationSec) > tolerance) {
    problems.push(
      `duration ${num(probe.durationSec)} s, planned ${num(expected.durationSec)} s ± ${tolerance}`,
    );
  }
  if (!probe.audio && requireAudio) problems.push('has no audio stream');
  if (facts) problems.push(...mismatches(facts, probe, tolerance));
  const wantBlack = expected.maxBlackSec !== undefined && probe.video;
  const wantSilence = expected.maxSilenceSec !== undefined && probe.audio;
  let black: Stretch[] = [];
  let silence: Stretch[] = [];
  if (wantBlack && facts?.black) black = facts.black;
  if (wantSilence && facts) silence = facts.silence;
  const decodeBlack = wantBlack && !facts?.black;
  const decodeSilence = wantSilence && !facts;
  if (decodeBlack || decodeSilence) {
    const found = await detectStretches(path, {
      blackMinSec: decodeBlack ? (expected.maxBlackSec as number) : undefined,
      silenceMinSec: decodeSilence ? (expected.maxSilenceSec as number) : undefined,
      durationSec: probe.durationSec,
      signal,
    });
    if (decodeBlack) black = found.black;
    if (decodeSilence) silence = found.silence;
  }
  for (const s of black.filter((b) => b.durationSec >= (expected.maxBlackSec as number))) {
    problems.push(
      `black picture for ${num(s.durationSec)} s from ${num(s.startSec)} s (at most ${expected.maxBlackSec} s allowed)`,
    );
  }
  for (const s of silence.filter((b) => b.durationSec >= (expected.maxSilenceSec as number))) {
    problems.push(
      `silent for ${num(s.durationSec)} s from ${num(s.startSec)} s (at most ${expected.maxSilenceSec} s allowed)`,
    );
  }
  return { ok: problems.length === 0, problems, probe };
}

/** Facts that do not describe the probed file: they are then not evidence about it. */
function mismatches(facts: ClipFacts, probe: MediaProbe, tolerance: number): string[] {
  const found: string[] = [];
  const v = probe.video;
  if (v && (v.width !== facts.width || v.height !== facts.height)) {
    found.push(`the render recorded ${facts.width}×${facts.height}, the file is ${v.width}×${v.height}`);
  }
  if (Math.abs(probe.durationSec - facts.durationSec) > tolerance) {
    found.push(`the render recorded ${num(facts.durationSec)} s, the file lasts ${num(probe.durationSec)} s`);
  }
  if (facts.audio !== Boolean(probe.audio)) {
    found.push(
      `the render recorded ${facts.audio ? 'sound' : 'no sound'}, the file has ${probe.audio ? 'an' : 'no'} audio stream`,
    );
  }
  return found;
}

/**
 * One decoding pass with blackdetect and silencedetect. A stretch still open at the end of the file
 * (ffmpeg 4.1 reports only its start) runs to the end.
 */
export async function detectStretches(
  path: string,
  options: { blackMinSec?: number; silenceMinSec?: number; durationSec: number; signal?: AbortSignal },
): Promise<{ black: Stretch[]; silence: Stretch[] }> {
  const args = ['-i', path];
  if (options.blackMinSec !== undefined) {
    args.push('-map', '0:v:0', '-vf', `blackdetect=d=${options.blackMinSec}:pix_th=0.10`);
  } else args.push('-vn');
  if (options.silenceMinSec !== undefined) {
    args.push('-map', '0:a:0', '-af', `silencedetect=n=-50dB:d=${options.silenceMinSec}`);
  } else args.push('-an');
  args.push('-f', 'null', '-');
  const { stderr } = await runFfmpeg(args, { logLevel: 'info', signal: options.signal });
  return {
    black: parseStretches(
      stderr,
      /black_start:\s*([\d.]+)/,
      /black_end:\s*([\d.]+)/,
      options.durationSec,
      options.blackMinSec,
    ),
    silence: parseStretches(
      stderr,
      /silence_start:\s*(-?[\d.]+)/,
      /silence_end:\s*([\d.]+)/,
      options.durationSec,
      options.silenceMinSec,
    ),
  };
}

function parseStretches(
  stderr: string,
  startPattern: RegExp,
  endPattern: RegExp,
  durationSec: number,
  minSec = 0,
): Stretch[] {
  const stretches: Stretch[] = [];
  let open: number | undefined;
  for (const line of stderr.split('\n')) {
    const start = startPattern.exec(line);
    if (start) open = Math.max(0, Number(start[1]));
    const end = endPattern.exec(line);
    if (end && open !== undefined) {
      stretches.push({ startSec: open, durationSec: Number(end[1]) - open });
      open = undefined;
    }
  }
  if (open !== undefined && durationSec - open >= minSec)
    stretches.push({ startSec: open, durationSec: durationSec - open });
  return stretches;
}
