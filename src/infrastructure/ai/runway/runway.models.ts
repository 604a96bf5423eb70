import type { AspectRatio, VideoCapabilities } from '../../../application/ports/ai-providers.port.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const BOTH: readonly AspectRatio[] = ['16:9', '9:16'];

/**
 * Runway models whose inputs the provider reference documents, as they apply to our 16:9 and 9:16 frames.
 * gen4_turbo is image-to-video only; Gen-3 is retired.
 */
export const RUNWAY_MODELS: Record<string, VideoCapabilities> = {
  gen4_turbo: { clipDurations: range(2, 10), ratios: BOTH, textToVideo: false, imageToVideo: true },
  'gen4.5': { clipDurations: range(2, 10), ratios: BOTH, textToVideo: true, imageToVideo: true },
  'veo3.1': { clipDurations: [4, 6, 8], ratios: BOTH, textToVideo: true, imageToVideo: true },
  'veo3.1_fast': { clipDurations: [4, 6, 8], ratios: BOTH, textToVideo: true, imageToVideo: true },
  veo3: { clipDurations: [8], ratios: BOTH, textToVideo: true, imageToVideo: true },
  gemini_omni_flash: { clipDurations: range(3, 10), ratios: BOTH, textToVideo: true, imageToVideo: true },
};

/** Runway ratios are pixel sizes. */
export const RUNWAY_RATIO: Record<AspectRatio, string> = { '16:9': '1280:720', '9:16': '720:1280' };

export const RUNWAY_API_VERSION = '2024-11-06';
/** promptText is limited to 1000 UTF-16 code units. */
export const RUNWAY_PROMPT_MAX = 1000;
/** Data URIs for promptImage must stay under 5 MB. */
export const RUNWAY_DATA_URI_MAX = 5 * 1024 * 1024;
