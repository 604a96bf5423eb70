import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../infrastructure/config/config.js';
import { createLogger } from '../../infrastructure/logging/logger.js';
import type { INestApplicationContext } from '@nestjs/common';
import { CONSUMER_ADMIN } from '../../application/ports/consumer.port.js';
import { DATABASE } from '../../application/ports/database.port.js';
import { EVENT_HISTORY } from '../../application/ports/event-history.port.js';
import { EVENT_STORE } from '../../application/ports/event-store.port.js';
import { READ_MODELS } from '../../application/ports/read-models.port.js';
import { ProjectionRunner } from '../../infrastructure/projections/projection-runner.js';
import { cliProfile, startContext } from '../../modules/profiles.js';
import {
  CliError,
  type CliServices,
  EXIT,
  type Output,
  positionArg,
  projectIdArg,
  projections,
  replay,
  verify,
} from './commands.js';
import { consumers, parked } from './consumer-commands.js';

const USAGE = `3kstory CLI — audit and operate on the same database as the API (DATABASE_URL, or DATA_DIR's PGlite)

usage: npm run cli -- <command> [options]

  replay --project <id> [--to <position>] [--json]
      The project's history: every event of its project, drama, video task and webhook streams in
      global order, each followed by the state after it (folded with the domain's evolve).
  verify --project <id> [--json]
      Re-folds every stream of the project up to each read model's checkpoint and compares with the
      projects, dramas and scenes read models, field by field.
  projections list | status [--json]
      Each read model: code version, stored version, checkpoint, log head, lag, status.
  projections rebuild <name> | --all
      Blue-green rebuild from position 0 beside the live tables, then an atomic swap.
  consumers [--json]
      Stored checkpoints of the log's consumers (projections, process manager, webhooks, progress),
      their lag behind the log head and how many events each has parked.
  parked list [--consumer <name>] [--status parked|retried|skipped] [--json]
  parked retry <id> | parked skip <id>
      Events a consumer gave up on: apply one again through its consumer (after a fix), or skip it.
  help

exit codes: 0 ok, 1 drift found (verify), 2 bad usage, 3 failure (not found, database error)`;

function cliServices(app: INestApplicationContext): CliServices {
  return {
    db: app.get(DATABASE),
    store: app.get(EVENT_STORE),
    history: app.get(EVENT_HISTORY),
    readModels: app.get(READ_MODELS),
    runner: app.get(ProjectionRunner),
    consumers: app.get(CONSUMER_ADMIN),
  };
}

async function run(argv: string[], io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        project: { type: 'string' },
        consumer: { type: 'string' },
        status: { type: 'string' },
        to: { type: 'string' },
        all: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    io.out(USAGE);
    return command || values.help ? EXIT.ok : EXIT.usage;
  }
  if (!['replay', 'verify', 'projections', 'consumers', 'parked'].includes(command)) {
    throw new CliError(`unknown command ${JSON.stringify(command)}`);
  }
  // Validate everything before opening the database.
  const projectId = ['replay', 'verify'].includes(command) ? projectIdArg(values.project) : '';
  const to = positionArg(values.to);
  let config;
  try {
    config = loadConfig(process.env, (message) => io.err(message));
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr);
  const app = await startContext({ config, logger }, cliProfile);
  const services = cliServices(app);
  try {
    if (command === 'replay') return await replay(services, io, projectId, to, values.json);
    if (command === 'verify') return await verify(services, io, projectId, values.json);
    if (command === 'consumers') return await consumers(services, io, values.json);
    if (command === 'parked') {
      // A parked projection event is applied through its projection: make the projections' consumers.
      if (rest[0] === 'retry') await services.runner.prepare();
      return await parked(services, io, rest[0], rest[1], values, values.json);
    }
    return await projections(services, io, rest[0], rest[1], values.all, values.json);
  } finally {
    await app.close();
  }
}

const io: Output = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

run(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      io.err(`error: ${error.message}`);
      if (error.exitCode === EXIT.usage) io.err('run "npm run cli -- help" for usage');
      process.exitCode = error.exitCode;
      return;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT.failed;
  },
);
