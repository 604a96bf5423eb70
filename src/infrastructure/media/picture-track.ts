import { writeFile } from 'node:fs/promises';
import { throwIfAborted } from './abort.js';
import { join } from 'node:path';
import {
  backdropPixels,
  castPixels,
  loadFigures,
  type PictureCharacter,
  type PictureSetting,
} from './art/compose.js';
import { pamFile } from './art/svg-raster.js';

/** What a scene shows when the renderer composes the picture itself. */
export interface ScenePicture {
  setting: PictureSetting;
  characters: readonly PictureCharacter[];
}

/** A run of frames with one speaker highlighted (null: nobody). */
export interface PictureSegment {
  speaker: string | null;
  frames: number;
}

/** Lines closer than this keep the speaker lit through the pause instead of flickering to "nobody". */
const HOLD_SEC = 0.6;

/**
 * Who is highlighted when, in whole frames, covering frames 0…frameCount (frameCount + 1 in all, like
 * the looped still it replaces). A cue lights its speaker when the name matches a character present;
 * other cues (the narrator, someone not in the shot) leave nobody highlighted.
 */
export function speakerSegments(
  cues: readonly { startSec: number; endSec: number; speaker?: string }[],
  names: readonly string[],
  fps: number,
  frameCount: number,
): PictureSegment[] {
  const present = new Set(names);
  const spans = cues
    .filter((c) => c.speaker && present.has(c.speaker))
    .map((c) => ({ speaker: c.speaker as string, start: c.startSec, end: c.endSec }))
    .sort((a, b) => a.start - b.start);
  const merged: typeof spans = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && last.speaker === span.speaker && span.start - last.end < HOLD_SEC) last.end = span.end;
    else merged.push({ ...span });
  }
  const segments: PictureSegment[] = [];
  let frame = 0;
  const push = (speaker: string | null, until: number) => {
    const end = Math.min(frameCount + 1, Math.max(frame, until));
    if (end <= frame) return;
    const last = segments.at(-1);
    if (last && last.speaker === speaker) last.frames += end - frame;
    else segments.push({ speaker, frames: end - frame });
    frame = end;
  };
  for (const span of merged) {
    push(null, Math.round(span.start * fps));
    push(span.speaker, Math.round(span.end * fps));
  }
  push(null, frameCount + 1);
  return segments;
}

/** Frame numbers where the picture changes (each segment's first frame after the first). */
export function segmentStarts(segments: readonly PictureSegment[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const s of segments.slice(0, -1)) {
    at += s.frames;
    starts.push(at);
  }
  return starts;
}

/**
 * Writes the picture's layers into `dir`: `backdrop.pam` and one `cast-<i>.pam` per speaker state
 * used (0: nobody speaking), all at the given (overscanned) size. Returns the state index per segment.
 */
export async function writePictureLayers(
  dir: string,
  picture: ScenePicture,
  width: number,
  height: number,
  segments: readonly PictureSegment[],
  signal?: AbortSignal,
): Promise<{ states: number; stateOfSegment: number[] }> {
  const figures = await loadFigures(picture.characters);
  const states: (string | null)[] = [];
  const stateOfSegment = segments.map((s) => {
    const at = states.indexOf(s.speaker);
    if (at >= 0) return at;
    states.push(s.speaker);
    return states.length - 1;
  });
  const backdrop = backdropPixels(picture.setting, width, height);
  backdrop.catch(() => undefined); // awaited below, unless the render is cancelled first
  for (const [i, speaker] of states.entries()) {
    // Each layer holds the thread for a moment: a cancelled render stops between them.
    throwIfAborted(signal, 'scene picture');
    const pixels = await castPixels({ setting: picture.setting, figures, width, height, speaker });
    await writeFile(join(dir, `cast-${i}.pam`), pamFile(pixels));
  }
  const backdropPam = pamFile(await backdrop);
  throwIfAborted(signal, 'scene picture');
  await writeFile(join(dir, 'backdrop.pam'), backdropPam);
  return { states: states.length, stateOfSegment };
}

/**
 * The filtergraph that turns the layers into the scene's picture stream: each state composed once
 * (backdrop + cast, converted to yuv420p once), then each segment repeats its state's single frame by
 * reference (`loop`), and the segments are joined in order. Output: frames 0…, numbered by `setpts=N`.
 */
export function composedSource(
  states: number,
  stateOfSegment: readonly number[],
  segments: readonly PictureSegment[],
  fps: number,
): string {
  const uses = Array.from({ length: states }, (_, k) => stateOfSegment.filter((s) => s === k).length);
  const chains: string[] = [`movie=backdrop.pam,split=${states}${uses.map((_, k) => `[b${k}]`).join('')}`];
  for (let k = 0; k < states; k++) {
    chains.push(
      `movie=cast-${k}.pam[c${k}]`,
      // resvg's pixels are premultiplied: composed as such, soft edges and glows keep their colour.
      `[b${k}][c${k}]overlay=0:0:format=auto:alpha=premultiplied,scale=out_color_matrix=bt709,setsar=1,format=yuv420p,split=${uses[k]}${Array.from({ length: uses[k] as number }, (_, j) => `[s${k}_${j}]`).join('')}`,
    );
  }
  const used = new Array<number>(states).fill(0);
  const labels = segments.map((segment, i) => {
    const k = stateOfSegment[i] as number;
    const label = `[seg${i}]`;
    chains.push(
      `[s${k}_${used[k]}]loop=loop=${segment.frames - 1}:size=1:start=0,settb=1/${fps},setpts=N${label}`,
    );
    used[k] = (used[k] as number) + 1;
    return label;
  });
  const join =
    labels.length === 1 ? `${labels[0]}null` : `${labels.join('')}concat=n=${labels.length}:v=1:a=0`;
  return `${chains.join(';')};${join},settb=1/${fps},setpts=N`;
}
