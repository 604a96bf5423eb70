import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { loadConfig } from '../../../src/infrastructure/config/config.js';
import { createHttpApp } from '../../../src/http-app.js';
import { createPostgresDatabaseUrl } from '../../support/databases.js';
import { testLogger } from '../../support/logger.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('starting on KurrentDB', () => {
  it('refuses to start when the KurrentDB server does not answer, says where it looked, and leaves no connection open', async () => {
    const databaseUrl = await createPostgresDatabaseUrl();
    const url = `kurrentdb://admin:changeit@127.0.0.1:${await closedPort()}?tls=false`;
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'k3s-kurrent-')),
        JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
        DATABASE_URL: databaseUrl,
        EVENTSTORE_URL: url,
      },
      () => undefined,
    );
    const error = (await createHttpApp({ config, logger: testLogger() }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      /^KurrentDB at kurrentdb:\/\/\*\*\*@127\.0\.0\.1:\d+\?tls=false did not answer/,
    );
    expect(error.message).not.toContain('changeit');

    // The database was opened and migrated before the event store failed: the start closed it again.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const others = async () =>
        Number(
          (
            await client.query<{ n: string }>(
              'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
            )
          ).rows[0]!.n,
        );
      const deadline = Date.now() + 5_000;
      while ((await others()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await others()).toBe(0);
    } finally {
      await client.end();
    }
  });
});
