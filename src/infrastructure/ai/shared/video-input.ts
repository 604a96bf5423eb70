import { readFile } from 'node:fs/promises';
import {
  ProviderError,
  type VideoCapabilities,
  type VideoClipRequest,
} from '../../../application/ports/ai-providers.port.js';
import { checkVideoRequest } from '../../../application/video/clip-plan.js';
import { sniffMediaType } from '../../net/safe-fetch.js';

/** Refuses, before paying, a clip the model cannot make: one accepted length, ratio, mode. */
export function assertClipRequest(
  provider: string,
  model: string,
  capabilities: VideoCapabilities,
  request: VideoClipRequest,
): 'image_to_video' | 'text_to_video' {
  const plan = checkVideoRequest({
    provider: `${provider} (${model})`,
    capabilities,
    durationSec: request.durationSec,
    aspectRatio: request.aspectRatio,
    hasImage: request.imagePath !== undefined,
  });
  const problems = plan.ok ? [] : plan.problems;
  if (plan.ok && !capabilities.clipDurations.includes(request.durationSec)) {
    problems.push(
      `a clip of ${request.durationSec} s is not accepted (lengths: ${capabilities.clipDurations.join(', ')}); split the scene with planClips`,
    );
  }
  if (problems.length > 0) throw new ProviderError(provider, 'invalid_input', problems.join('; '));
  return request.imagePath === undefined ? 'text_to_video' : 'image_to_video';
}

/** A local storyboard frame as a base64 data URI, the form both Runway and fal accept for the first frame. */
export async function imageDataUri(provider: string, path: string, maxBytes: number): Promise<string> {
  const data = await readFile(path);
  const type = sniffMediaType(data, 'image');
  if (type === undefined)
    throw new ProviderError(provider, 'invalid_input', 'the first frame is not a PNG, JPEG or WebP image');
  const uri = `data:${type};base64,${data.toString('base64')}`;
  if (uri.length >= maxBytes) {
    throw new ProviderError(
      provider,
      'invalid_input',
      `the first frame is ${uri.length} bytes as a data URI; the limit is ${maxBytes}`,
    );
  }
  return uri;
}
