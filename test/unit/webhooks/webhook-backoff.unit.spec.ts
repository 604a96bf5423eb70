import { describe, expect, it } from '@jest/globals';
import { nextAttemptAt, retryDelayMs } from '../../../src/domain/webhook/webhook.backoff.js';

const policy = { baseMs: 30_000, maxDelayMs: 3_600_000, maxAgeMs: 24 * 3_600_000 };

describe('webhook backoff schedule', () => {
  it('doubles per attempt, between half and all of the exponential delay', () => {
    const low = [1, 2, 3, 4, 5].map((a) => retryDelayMs(a, policy, 0));
    const high = [1, 2, 3, 4, 5].map((a) => retryDelayMs(a, policy, 0.999999));
    expect(low).toEqual([15_000, 30_000, 60_000, 120_000, 240_000]);
    expect(high).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(3, policy, 0.5)).toBe(90_000);
  });

  it('never waits more than the cap, however many attempts', () => {
    expect(retryDelayMs(8, policy, 1)).toBe(3_600_000);
    expect(retryDelayMs(500, policy, 1)).toBe(3_600_000);
    expect(retryDelayMs(500, policy, 0.999999)).toBeLessThanOrEqual(3_600_000);
    expect(retryDelayMs(500, policy, 0)).toBe(1_800_000);
  });

  it('keeps retrying for 24 h and then stops', () => {
    const scheduledAt = '2026-01-01T00:00:00.000Z';
    let at = new Date(scheduledAt);
    let attempts = 0;
    for (;;) {
      attempts++;
      const next = nextAttemptAt(attempts, scheduledAt, at, policy, 1);
      if (!next) break;
      expect(next.getTime()).toBeGreaterThan(at.getTime());
      at = next;
    }
    // 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: about 29 attempts over the day with full delays.
    expect(at.getTime() - Date.parse(scheduledAt)).toBeLessThanOrEqual(policy.maxAgeMs);
    expect(at.getTime() - Date.parse(scheduledAt)).toBeGreaterThan(policy.maxAgeMs - policy.maxDelayMs);
    expect(attempts).toBeGreaterThanOrEqual(25);
    expect(attempts).toBeLessThanOrEqual(30);
  });
});
