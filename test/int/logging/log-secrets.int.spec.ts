import { beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { capturingLogger } from '../../support/logger.js';

const PASSWORD = 'Corr3ct-Horse-Battery-Staple';
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$known-hash-value-in-the-test';

/**
 * A failed write logs its error, and database errors carry the statement's parameters (PGlite attaches
 * them as `params`): the log must hold neither the password nor its hash, on either database, nor any
 * value of a field named like a secret at any depth.
 */
describe('logs without secrets', () => {
  let url: string;
  beforeAll(async () => {
    url = await createPostgresDatabaseUrl();
  });

  const failingWrite = async (query: (sql: string, params: unknown[]) => Promise<unknown>) => {
    await query('CREATE TABLE IF NOT EXISTS accounts (email text UNIQUE, password_hash text)', []);
    await query('INSERT INTO accounts VALUES ($1, $2)', ['a@example.com', HASH]);
    return query('INSERT INTO accounts VALUES ($1, $2)', ['a@example.com', HASH]).then(
      () => {
        throw new Error('the second insert should have failed');
      },
      (error: unknown) => error,
    );
  };

  it.each(['pglite', 'postgres'] as const)('on %s', async (dialect) => {
    let error: unknown;
    if (dialect === 'pglite') {
      const db = new PGlite();
      error = await failingWrite((sql, params) => db.query(sql, params));
      expect((error as { params?: unknown[] }).params).toContain(HASH); // the trap is real
      await db.close();
    } else {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      error = await failingWrite((sql, params) => client.query(sql, params));
      await client.end();
    }
    const { logger, lines } = capturingLogger();
    logger.error(
      { err: error, body: { user: { profile: { newPassword: PASSWORD } } } },
      'user update failed',
    );
    logger.warn({ attempt: { request: { headers: { cookie: `sid=${PASSWORD}` } } }, apiKey: PASSWORD }, 'x');
    logger.info({ usage: { tokens: 1234 } }, 'usage');
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('known-hash-value');
    expect(text).toContain('23505'); // the error itself is still there, with its code…
    expect(text).toContain('"tokens":1234'); // …and numbers that merely look like secret names are not
  });
});
