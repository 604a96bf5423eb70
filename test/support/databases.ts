import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/application/ports/database.port.js';
import { PostgresDatabase } from '../../src/infrastructure/database/postgres.database.js';
import { openTemplatePglite } from './pglite-template.js';

const adminUrl = () =>
  process.env.TEST_PG_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty PostgreSQL database for one test file; dropped by the global teardown. */
export async function createPostgresDatabaseUrl(): Promise<string> {
  const name = `k3s_test_${process.env.K3S_TEST_RUN ?? 'adhoc'}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export type Dialect = 'pglite' | 'postgres';
export const DIALECTS: Dialect[] = ['pglite', 'postgres'];

export async function openTestDatabase(dialect: Dialect): Promise<{ db: Database; url?: string }> {
  if (dialect === 'pglite') return { db: await openTemplatePglite() };
  const url = await createPostgresDatabaseUrl();
  return { db: new PostgresDatabase(url, { max: 20 }), url };
}
