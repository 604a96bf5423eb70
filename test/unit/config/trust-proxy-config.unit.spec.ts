import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../src/infrastructure/config/config.js';

const base = { JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', DATA_DIR: '/tmp/k3s-config-unit' };
const trust = (value?: string) =>
  loadConfig(value === undefined ? base : { ...base, TRUST_PROXY: value }, () => undefined).TRUST_PROXY;

describe('TRUST_PROXY', () => {
  it('trusts nobody by default', () => {
    expect(trust()).toBe(false);
    expect(trust('')).toBe(false);
    expect(trust('false')).toBe(false);
  });

  it('takes true, a hop count, or a list of names, addresses and ranges', () => {
    expect(trust('true')).toBe(true);
    expect(trust('2')).toBe(2);
    expect(trust('loopback')).toEqual(['loopback']);
    expect(trust('loopback, 10.0.0.0/8, fd00::/8, 192.168.1.7')).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.7',
    ]);
  });

  it.each(['yes', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/2', '::1/129'])(
    'refuses %p, naming the variable and the entry',
    (value) => {
      let issues: string[] = [];
      try {
        trust(value);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        issues = error.issues;
      }
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^TRUST_PROXY: /);
      expect(issues[0]).toContain(`"${value.split(',')[0]}"`);
    },
  );
});
