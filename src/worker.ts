import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { STAGES, type Stage } from './domain/drama/drama.types.js';
import { ConfigError, loadConfig } from './infrastructure/config/config.js';
import { createLogger } from './infrastructure/logging/logger.js';
import { describeMediaBinaries, MediaBinaryError } from './infrastructure/media/media-binaries.js';
import { exitOnSignals } from './infrastructure/process/shutdown.js';
import { startContext, workerProfile } from './modules/profiles.js';

/**
 * A worker process: takes jobs from the Kafka job bus and runs them. Stateless: no HTTP, no projections,
 * no process manager; every job in its own temp folder, media in the shared media store.
 *   npm run worker -- [--stages video,assemble] [--concurrency 2]
 */
function parseCli(argv: string[]): { stages: Stage[]; concurrency: number | undefined } {
  const { values } = parseArgs({
    args: argv,
    options: { stages: { type: 'string' }, concurrency: { type: 'string' } },
    strict: true,
  });
  const stages = values.stages
    ? values.stages
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [...STAGES];
  const unknown = stages.filter((s) => !(STAGES as readonly string[]).includes(s));
  if (stages.length === 0 || unknown.length > 0) {
    throw new ConfigError([`--stages: unknown stage ${unknown.join(', ')}; one of ${STAGES.join(', ')}`]);
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new ConfigError(['--concurrency: must be an integer from 1 to 64']);
    }
  }
  return { stages: stages as Stage[], concurrency };
}

async function main(): Promise<void> {
  let config;
  let cli;
  let media;
  try {
    cli = parseCli(process.argv.slice(2));
    config = loadConfig();
    if (config.KAFKA_BROKERS.length === 0) {
      throw new ConfigError(['KAFKA_BROKERS: required by a worker process (host:port[,host:port…])']);
    }
    media = describeMediaBinaries();
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof MediaBinaryError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error((error as Error).message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const app = await startContext(
    { config, logger, settings: { stages: cli.stages, concurrency: cli.concurrency } },
    workerProfile,
  );
  logger.info(
    {
      stages: cli.stages,
      concurrency: cli.concurrency ?? config.WORKER_CONCURRENCY,
      brokers: config.KAFKA_BROKERS,
      media: config.S3_ENDPOINT ? 's3' : `local ${config.dataDir}/media`,
      ...media,
    },
    '3kstory worker started',
  );

  exitOnSignals(
    logger,
    'worker shutting down: finishing or handing back running jobs',
    config.WORKER_SHUTDOWN_GRACE_MS + 15_000,
    [{ name: 'application close', run: () => app.close() }],
  );
}

main().catch((error: unknown) => {
  console.error('3kstory worker failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
