import { describe, expect, it } from '@jest/globals';
import { BEAT_ACT, planStory } from '../../../src/domain/script/beats.js';
import { rescaleToTotal, splitDuration } from '../../../src/domain/script/durations.js';

describe('planStory', () => {
  it('compresses the whole arc into a single scene', () => {
    expect(planStory(1)).toEqual([
      { index: 0, act: 2, beats: ['inciting_incident', 'climax', 'resolution'], primary: 'climax' },
    ]);
  });

  it.each([2, 3, 7, 15, 60, 200])('places every key beat once, in order, across %i scenes', (n) => {
    const plans = planStory(n);
    expect(plans).toHaveLength(n);
    expect(plans[0]?.beats[0]).toBe('opening');
    expect(plans.at(-1)?.beats.at(-1)).toBe('resolution');
    const acts = plans.map((p) => p.act);
    expect(acts).toEqual([...acts].sort());
    if (n >= 7) {
      const beats = plans.flatMap((p) => p.beats);
      for (const key of ['inciting_incident', 'midpoint', 'crisis', 'climax', 'resolution'] as const) {
        expect(beats.filter((b) => b === key)).toHaveLength(1);
      }
      expect(plans.every((p) => p.beats.every((b) => Math.abs(BEAT_ACT[b] - p.act) <= 1))).toBe(true);
    }
  });

  it('puts the midpoint in the middle and the climax near the end', () => {
    const plans = planStory(15);
    expect(plans.findIndex((p) => p.beats.includes('midpoint'))).toBe(7);
    expect(plans.findIndex((p) => p.beats.includes('climax'))).toBe(12);
  });
});

describe('durations', () => {
  it('splits evenly in whole seconds, the remainder to the first shares', () => {
    expect(splitDuration(120, 3)).toEqual([40, 40, 40]);
    expect(splitDuration(3600, 7)).toEqual([515, 515, 514, 514, 514, 514, 514]);
    expect(splitDuration(10, 10)).toEqual(Array(10).fill(1));
  });

  it('keeps a fraction on the last share so the sum is exact', () => {
    const shares = splitDuration(33.3, 6);
    expect(shares.slice(0, 5).every(Number.isInteger)).toBe(true);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(33.3);
  });

  it('rescales weights to whole seconds summing exactly, at least one second each', () => {
    expect(rescaleToTotal([1, 2, 3], 60)).toEqual([10, 20, 30]);
    expect(rescaleToTotal([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(rescaleToTotal([1000, 1, 1], 10)).toEqual([8, 1, 1]);
    expect(rescaleToTotal([0, Number.NaN, -5], 9)).toEqual([3, 3, 3]);
  });
});
