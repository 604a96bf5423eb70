import 'reflect-metadata';
import { ConfigError, loadConfig } from './infrastructure/config/config.js';
import { createLogger } from './infrastructure/logging/logger.js';
import { describeMediaBinaries, MediaBinaryError } from './infrastructure/media/media-binaries.js';
import { exitOnSignals } from './infrastructure/process/shutdown.js';
import { createHttpApp } from './http-app.js';

async function main(): Promise<void> {
  let config;
  let media;
  try {
    config = loadConfig();
    media = describeMediaBinaries();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof MediaBinaryError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const app = await createHttpApp({ config, logger });
  await app.listen(config.SERVER_PORT, config.HOST);
  logger.info(
    {
      url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.SERVER_PORT}/api/v1`,
      database: config.DATABASE_URL ? 'postgres' : `embedded PGlite in ${config.dataDir}`,
      ...media,
    },
    '3kstory API listening',
  );

  // The modules' shutdown hooks: the socket and HTTP stop accepting, the pipeline drains, the followers
  // of the log stop, then the stores and the database close.
  exitOnSignals(logger, 'shutting down', 15_000, [{ name: 'application close', run: () => app.close() }]);
}

main().catch((error: unknown) => {
  console.error('3kstory failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
