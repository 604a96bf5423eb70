import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * Integration suites need the real servers CI provides: PostgreSQL for every one (the `int` project),
 * Kafka and Redis too for the `services` project. If one is missing the run stops here, loudly, instead
 * of letting suites skip and look green.
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

/** The job-bus and multi-process suites run on a real Kafka broker: none answering fails the run here. */
async function checkKafka(brokers: string | undefined): Promise<void> {
  if (!brokers) {
    throw new Error(
      'TEST_KAFKA_BROKERS is not set. The Kafka suites run against a real broker: run `npm run kafka:start` ' +
        'and set TEST_KAFKA_BROKERS=127.0.0.1:9092 (npm test does both).',
    );
  }
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({
    clientId: 'global-setup',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 1 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (error) {
    throw new Error(
      `Kafka is not reachable at ${brokers} (${(error as Error).message}). ` +
        'The Kafka suites run against a real broker: run `npm run kafka:start`, or set TEST_KAFKA_BROKERS.',
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * One initialised PGlite cluster per run that test databases copy instead of running initdb (see
 * pglite-template.ts); made once and shared by the projects of the run, removed by the global teardown.
 */
async function makePgliteTemplate(run: string): Promise<void> {
  if (process.env.K3S_PGLITE_TEMPLATE) return;
  const dir = join(tmpdir(), `k3s-pglite-template-${run}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const db = await PGlite.create(join(dir, 'data'));
  const dump = await db.dumpDataDir('none');
  await db.close();
  await writeFile(join(dir, 'data.tar'), Buffer.from(await dump.arrayBuffer()));
  process.env.K3S_PGLITE_TEMPLATE = dir;
}

/** Jest hands each project's global setup its own config: the `services` project also needs Kafka and Redis. */
export default async function globalSetup(
  _globalConfig: unknown,
  project?: { displayName?: { name?: string } },
): Promise<void> {
  if (project?.displayName?.name === 'services') {
    await checkKafka(process.env.TEST_KAFKA_BROKERS);
    process.env.TEST_REDIS_URL ??= process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    await checkRedis(process.env.TEST_REDIS_URL);
  }
  const adminUrl =
    process.env.TEST_PG_ADMIN_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.TEST_PG_ADMIN_URL = adminUrl;
  // Workers inherit this: each run creates and drops only its own databases, so runs can overlap.
  process.env.K3S_TEST_RUN ??= randomBytes(4).toString('hex');
  await makePgliteTemplate(process.env.K3S_TEST_RUN);
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
