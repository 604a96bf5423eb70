import { describe, expect, it } from '@jest/globals';
import type { VideoCapabilities } from '../../../src/application/ports/ai-providers.port.js';
import { checkVideoRequest, planClips } from '../../../src/application/video/clip-plan.js';
import { PIKA_MODELS } from '../../../src/infrastructure/ai/pika/pika.models.js';
import { RUNWAY_MODELS } from '../../../src/infrastructure/ai/runway/runway.models.js';

const caps = (clipDurations: number[], more: Partial<VideoCapabilities> = {}): VideoCapabilities => ({
  clipDurations,
  ratios: ['16:9', '9:16'],
  textToVideo: true,
  imageToVideo: true,
  ...more,
});
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('planClips', () => {
  it('covers a 30 s scene with three 10 s Runway gen4_turbo clips', () => {
    expect(planClips(30, RUNWAY_MODELS.gen4_turbo as VideoCapabilities)).toEqual([10, 10, 10]);
  });

  it('splits evenly when a range allows it, without waste', () => {
    expect(planClips(12, caps([2, 3, 4, 5, 6, 7, 8, 9, 10]))).toEqual([6, 6]);
    expect(planClips(23, caps([2, 3, 4, 5, 6, 7, 8, 9, 10]))).toEqual([8, 8, 7]);
  });

  it('rounds a fractional scene up and wastes as little as the lengths allow', () => {
    expect(planClips(7.5, caps([5, 10]))).toEqual([10]);
    expect(planClips(12, PIKA_MODELS['fal-ai/pika/v2.2'] as VideoCapabilities)).toEqual([10, 5]);
    expect(planClips(25, caps([4, 6, 8]))).toEqual([8, 6, 6, 6]);
    expect(planClips(3, caps([8]))).toEqual([8]);
  });

  it('prefers no waste over fewer clips', () => {
    // 11 = 5 + 6 wastes nothing; 10 + ... would need more seconds
    expect(planClips(11, caps([5, 6, 10]))).toEqual([6, 5]);
  });

  it('always covers the scene, with less than one clip of waste', () => {
    for (const lengths of [[5, 10], [4, 6, 8], [8], [2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 7]]) {
      for (let d = 1; d <= 61; d += 3) {
        const clips = planClips(d, caps(lengths));
        expect(sum(clips)).toBeGreaterThanOrEqual(d);
        expect(sum(clips) - d).toBeLessThan(Math.max(...lengths));
        expect(clips.every((c) => lengths.includes(c))).toBe(true);
      }
    }
  });

  it('plans nothing for an empty scene or a model without lengths', () => {
    expect(planClips(0, caps([5]))).toEqual([]);
    expect(planClips(Number.NaN, caps([5]))).toEqual([]);
    expect(planClips(10, caps([]))).toEqual([]);
  });

  it('handles an hour-long scene quickly', () => {
    const started = performance.now();
    const clips = planClips(3600, caps([2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(sum(clips)).toBe(3600);
    expect(clips).toHaveLength(360);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('checkVideoRequest', () => {
  const turbo = RUNWAY_MODELS.gen4_turbo as VideoCapabilities;

  it('returns the clip plan and the seconds that will be paid for', () => {
    expect(
      checkVideoRequest({
        provider: 'pika',
        capabilities: PIKA_MODELS['fal-ai/pika/v2.2'] as VideoCapabilities,
        durationSec: 12,
        aspectRatio: '9:16',
        hasImage: true,
      }),
    ).toEqual({ ok: true, mode: 'image_to_video', clips: [10, 5], billedSec: 15 });
  });

  it('refuses text-to-video on an image-only model with a sentence saying what to do', () => {
    const plan = checkVideoRequest({
      provider: 'runway (gen4_turbo)',
      capabilities: turbo,
      durationSec: 30,
      aspectRatio: '16:9',
      hasImage: false,
    });
    expect(plan).toEqual({
      ok: false,
      problems: ['runway (gen4_turbo) makes video from an image only: give image_url'],
    });
  });

  it('lists every problem at once', () => {
    const plan = checkVideoRequest({
      provider: 'x',
      capabilities: caps([5], { textToVideo: false, imageToVideo: false, ratios: ['16:9'] }),
      durationSec: -1,
      aspectRatio: '1:1',
      hasImage: true,
    });
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.problems).toEqual([
      'duration_sec must be a positive number of seconds',
      'x makes 16:9 video, not 1:1',
      'x cannot start from an image: leave out image_url',
    ]);
  });
});
