import type { VideoCapabilities } from '../ports/ai-providers.port.js';

/**
 * Splits a scene into clip lengths a video model accepts: their sum is at least the scene (the last
 * frames are trimmed when joining), with the least waste, then the fewest clips, then lengths as even as
 * possible. Longest first. An empty list when the scene has no length or the model accepts no length.
 */
export function planClips(
  sceneDurationSec: number,
  capabilities: Pick<VideoCapabilities, 'clipDurations'>,
): number[] {
  const lengths = [...new Set(capabilities.clipDurations)].filter((d) => Number.isInteger(d) && d > 0);
  if (!(sceneDurationSec > 0) || !Number.isFinite(sceneDurationSec) || lengths.length === 0) return [];
  const target = Math.ceil(sceneDurationSec - 1e-9);
  // Some total below target + the longest length is always reachable and wastes least.
  const limit = target + Math.max(...lengths) - 1;
  const fewest = new Array<number>(limit + 1).fill(Infinity);
  fewest[0] = 0;
  for (let t = 1; t <= limit; t++) {
    for (const d of lengths)
      if (d <= t) fewest[t] = Math.min(fewest[t] as number, (fewest[t - d] as number) + 1);
  }
  let total = target;
  while ((fewest[total] as number) === Infinity) total++;
  const count = fewest[total] as number;
  // reach[c][t]: can c clips add up to exactly t?
  const reach = [new Uint8Array(total + 1)];
  (reach[0] as Uint8Array)[0] = 1;
  for (let c = 1; c <= count; c++) {
    const previous = reach[c - 1] as Uint8Array;
    const row = new Uint8Array(total + 1);
    for (let t = 0; t <= total; t++)
      if (previous[t]) for (const d of lengths) if (t + d <= total) row[t + d] = 1;
    reach.push(row);
  }
  const clips: number[] = [];
  for (let left = total, c = count; c > 0; c--) {
    const mean = left / c;
    const fits = lengths.filter((d) => d <= left && (reach[c - 1] as Uint8Array)[left - d]);
    const pick = fits.reduce((best, d) => {
      const closer = Math.abs(d - mean) - Math.abs(best - mean);
      return closer < 0 || (closer === 0 && d > best) ? d : best;
    });
    clips.push(pick);
    left -= pick;
  }
  return clips.sort((a, b) => b - a);
}

export interface VideoRequestToCheck {
  /** Named in messages, e.g. "runway (gen4_turbo)". */
  provider: string;
  capabilities: VideoCapabilities;
  durationSec: number;
  aspectRatio: string;
  hasImage: boolean;
}

export type VideoPlan =
  | {
      ok: true;
      mode: 'image_to_video' | 'text_to_video';
      clips: number[];
      /** Seconds generated (and paid for): at least durationSec. */
      billedSec: number;
    }
  | { ok: false; problems: string[] };

/**
 * What a video provider would be asked for, checked before any money is spent: every problem is a
 * sentence for a 400 answer; a usable request comes back with its clip plan.
 */
export function checkVideoRequest(request: VideoRequestToCheck): VideoPlan {
  const { provider, capabilities: caps } = request;
  const problems: string[] = [];
  const clips = planClips(request.durationSec, caps);
  if (!(request.durationSec > 0) || !Number.isFinite(request.durationSec)) {
    problems.push('duration_sec must be a positive number of seconds');
  } else if (clips.length === 0) {
    problems.push(`${provider} accepts no clip length`);
  }
  if (!(caps.ratios as readonly string[]).includes(request.aspectRatio)) {
    problems.push(`${provider} makes ${caps.ratios.join(' or ')} video, not ${request.aspectRatio}`);
  }
  if (!request.hasImage && !caps.textToVideo) {
    problems.push(`${provider} makes video from an image only: give image_url`);
  }
  if (request.hasImage && !caps.imageToVideo) {
    problems.push(`${provider} cannot start from an image: leave out image_url`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    mode: request.hasImage ? 'image_to_video' : 'text_to_video',
    clips,
    billedSec: clips.reduce((a, b) => a + b, 0),
  };
}
