import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
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
  it('refuses to start when the KurrentDB server does not answer, and says where it looked', async () => {
    const url = `kurrentdb://admin:changeit@127.0.0.1:${await closedPort()}?tls=false`;
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'k3s-kurrent-')),
        JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
        DATABASE_URL: await createPostgresDatabaseUrl(),
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
  });
});
