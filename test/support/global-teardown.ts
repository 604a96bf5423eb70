import { rmSync } from 'node:fs';
import pg from 'pg';

/** Drops the throw-away databases this run created (named k3s_test_<run>_*), and no one else's. */
const KURRENTDB_NOT_RUN = `
================================================================================================
  KurrentDB event-store suite NOT RUN: EVENTSTORE_URL is not set (no KurrentDB server here).
  test/int/event-store/event-store.kurrentdb.int.spec.ts was left out of this run. Run it with
  EVENTSTORE_URL=esdb://localhost:2113?tls=false npm run test:jest -- --selectProjects=int --testPathPatterns kurrentdb
================================================================================================`;

export default async function globalTeardown(
  _globalConfig: unknown,
  project?: { displayName?: { name?: string } },
): Promise<void> {
  if (project?.displayName?.name === 'int' && !process.env.EVENTSTORE_URL) console.warn(KURRENTDB_NOT_RUN);
  const template = process.env.K3S_PGLITE_TEMPLATE;
  if (template) rmSync(template, { recursive: true, force: true });
  const adminUrl =
    process.env.TEST_PG_ADMIN_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const rows = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`k3s_test_${process.env.K3S_TEST_RUN ?? 'none'}_%`],
    );
    for (const { datname } of rows.rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
