import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/config.js';

const base = { JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', DATA_DIR: '/tmp/k3s-config-unit' };

describe('METRICS_TOKEN', () => {
  it('is unset by default (open /metrics) and empty means unset', () => {
    expect(loadConfig(base, () => undefined).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ ...base, METRICS_TOKEN: ' ' }, () => undefined).METRICS_TOKEN).toBeUndefined();
  });

  it('refuses a guessable token, naming the variable', () => {
    let issues: string[] = [];
    try {
      loadConfig({ ...base, METRICS_TOKEN: 'short' }, () => undefined);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues = error.issues;
    }
    expect(issues).toEqual(['METRICS_TOKEN: must be at least 16 characters']);
    expect(
      loadConfig({ ...base, METRICS_TOKEN: 'a-long-enough-token-123' }, () => undefined).METRICS_TOKEN,
    ).toBe('a-long-enough-token-123');
  });
});
