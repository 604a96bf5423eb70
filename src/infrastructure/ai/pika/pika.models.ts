import type { AspectRatio, VideoCapabilities } from '../../../application/ports/ai-providers.port.js';

/** Pika models on fal.ai whose inputs the provider reference documents. */
export const PIKA_MODELS: Record<string, VideoCapabilities> = {
  'fal-ai/pika/v2.2': {
    clipDurations: [5, 10],
    ratios: ['16:9', '9:16'],
    textToVideo: true,
    imageToVideo: true,
  },
};

export const PIKA_ASPECT_RATIO: Record<AspectRatio, string> = { '16:9': '16:9', '9:16': '9:16' };

/** fal routes status and result by owner/alias only: the model's sub-path is used on submit alone. */
export const falQueueRoot = (model: string): string => model.split('/').slice(0, 2).join('/');
