import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Integration suites need the real PostgreSQL (and Redis) that CI provides. If one is missing the run
 * stops here, loudly, instead of letting suites skip and look green.
 */
async function checkRedis(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3_000,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') throw new Error('PING did not answer PONG');
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${url} (${(error as Error).message}). ` +
        'The Redis suites run against a real server: start it, or set TEST_REDIS_URL.',
    );
  } finally {
    client.disconnect();
  }
}

export default async function globalSetup(): Promise<void> {
  process.env.TEST_REDIS_URL ??= process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  await checkRedis(process.env.TEST_REDIS_URL);
  const adminUrl =
    process.env.TEST_PG_ADMIN_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.TEST_PG_ADMIN_URL = adminUrl;
  // Workers inherit this: each run creates and drops only its own databases, so runs can overlap.
  process.env.K3S_TEST_RUN ??= randomBytes(4).toString('hex');
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl} (${(error as Error).message}). ` +
        'Integration tests run against a real server: start it, or set TEST_PG_ADMIN_URL.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
