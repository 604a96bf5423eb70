import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/config.js';

const base = { JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', DATA_DIR: '/tmp/k3s-config-unit' };
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env }, () => undefined);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues;
  }
};

describe('webhook configuration', () => {
  it('refuses private targets and retries for 24 h by default, even outside production', () => {
    const config = loadConfig({ ...base, NODE_ENV: 'development' }, () => undefined);
    expect(config.WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe(false);
    expect(config.WEBHOOK_ALLOWED_HOSTS).toEqual([]);
    expect(config.WEBHOOK_RETRY_BASE_MS).toBe(30_000);
    expect(config.WEBHOOK_RETRY_MAX_DELAY_MS).toBe(3_600_000);
    expect(config.WEBHOOK_MAX_AGE_SEC).toBe(86_400);
    expect(config.WEBHOOK_TIMEOUT_MS).toBe(10_000);
  });

  it('reads the allow-list and names each bad variable', () => {
    const config = loadConfig(
      {
        ...base,
        WEBHOOK_ALLOWED_HOSTS: ' Relay.internal:8443, 10.0.0.5 ',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: '1',
      },
      () => undefined,
    );
    expect(config.WEBHOOK_ALLOWED_HOSTS).toEqual(['relay.internal:8443', '10.0.0.5']);
    expect(config.WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe(true);
    const issues = problems({
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes',
      WEBHOOK_TIMEOUT_MS: '5',
      WEBHOOK_MAX_AGE_SEC: '0',
    });
    expect(issues.map((i) => i.split(':')[0])).toEqual([
      'WEBHOOK_ALLOW_PRIVATE_TARGETS',
      'WEBHOOK_MAX_AGE_SEC',
      'WEBHOOK_TIMEOUT_MS',
    ]);
  });
});
