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

describe('event store configuration', () => {
  it('defaults to the SQL event store (no EVENTSTORE_URL)', () => {
    expect(loadConfig(base, () => undefined).EVENTSTORE_URL).toBeUndefined();
    expect(loadConfig({ ...base, EVENTSTORE_URL: ' ' }, () => undefined).EVENTSTORE_URL).toBeUndefined();
  });

  it('selects KurrentDB with EVENTSTORE_URL next to a PostgreSQL DATABASE_URL', () => {
    const config = loadConfig(
      {
        ...base,
        EVENTSTORE_URL: 'kurrentdb://localhost:2113?tls=false',
        DATABASE_URL: 'postgres://postgres@localhost:5432/threekstory',
      },
      () => undefined,
    );
    expect(config.EVENTSTORE_URL).toBe('kurrentdb://localhost:2113?tls=false');
  });

  it('fails fast, naming DATABASE_URL, when EVENTSTORE_URL comes without it', () => {
    expect(problems({ EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' })).toEqual([
      'DATABASE_URL: required when EVENTSTORE_URL is set (read models, checkpoints and users live in PostgreSQL)',
    ]);
  });

  it('rejects a URL that is not a KurrentDB connection string', () => {
    const [issue] = problems({
      EVENTSTORE_URL: 'http://localhost:2113',
      DATABASE_URL: 'postgres://postgres@localhost:5432/x',
    });
    expect(issue).toMatch(/^EVENTSTORE_URL: must be a URL starting with kurrentdb:\/\//);
  });
});
