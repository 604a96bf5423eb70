import 'reflect-metadata';
import { ConfigError, loadConfig } from './infrastructure/config/config.js';
import { createLogger } from './infrastructure/logging/logger.js';
import { describeMediaBinaries, MediaBinaryError } from './infrastructure/media/media-binaries.js';
import { exitOnSignals } from './infrastructure/process/shutdown.js';
import { createHttpApp } from './http-app.js';
import { createRuntime } from './runtime.js';

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
  const runtime = await createRuntime(config, logger);
  const app = await createHttpApp(runtime);
  await app.listen(config.SERVER_PORT, config.HOST);
  logger.info(
    {
      url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.SERVER_PORT}/api/v1`,
      database: config.DATABASE_URL ? 'postgres' : `embedded PGlite in ${config.dataDir}`,
      ...media,
    },
    '3kstory API listening',
  );

  exitOnSignals(logger, 'shutting down', 15_000, [
    { name: 'HTTP close', run: () => app.close() },
    { name: 'runtime close', run: () => runtime.close() },
  ]);
}

main().catch((error: unknown) => {
  console.error('3kstory failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
