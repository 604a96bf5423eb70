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

describe('media configuration', () => {
  it('defaults to the local store with 7-day links', () => {
    const config = loadConfig(base, () => undefined);
    expect(config.S3_ENDPOINT).toBeUndefined();
    expect(config.MEDIA_URL_TTL_SEC).toBe(604800);
    expect(config.S3_REGION).toBe('us-east-1');
    expect(config.S3_PART_SIZE_MIB).toBe(16);
  });

  it('with S3_ENDPOINT, names every missing S3 variable', () => {
    expect(problems({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toEqual([
      'S3_BUCKET: required when S3_ENDPOINT is set',
      'S3_ACCESS_KEY: required when S3_ENDPOINT is set',
      'S3_SECRET_KEY: required when S3_ENDPOINT is set',
    ]);
    expect(problems({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'm', S3_ACCESS_KEY: 'k' })).toEqual([
      'S3_SECRET_KEY: required when S3_ENDPOINT is set',
    ]);
  });

  it('accepts a complete S3 block', () => {
    const config = loadConfig(
      {
        ...base,
        S3_ENDPOINT: 'https://s3.example.com',
        S3_BUCKET: 'm',
        S3_ACCESS_KEY: 'k',
        S3_SECRET_KEY: 's',
      },
      () => undefined,
    );
    expect(config.S3_ENDPOINT).toBe('https://s3.example.com');
  });

  it('refuses a non-HTTP endpoint, a part size under 5 MiB and links longer than 7 days', () => {
    expect(problems({ S3_ENDPOINT: 's3.example.com' })[0]).toMatch(/^S3_ENDPOINT: must be a URL/);
    expect(problems({ S3_PART_SIZE_MIB: '4' })[0]).toMatch(/^S3_PART_SIZE_MIB:/);
    expect(problems({ MEDIA_URL_TTL_SEC: '604801' })[0]).toMatch(/^MEDIA_URL_TTL_SEC:/);
  });
});
