import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { requestContext } from '../../application/shared/request-context.js';

/** Keys whose values never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  'password',
  'current_password',
  'new_password',
  'passwordHash',
  'password_hash',
  'token',
  'authorization',
  'req.headers.authorization',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.token',
  '*.authorization',
  '*.apiKey',
  '*.secret',
];

/** Field names whose values are secrets at any depth (pino's redact paths only reach a fixed depth). */
const SECRET_NAME =
  /^(.*[_-])?(password|passwd|secret|token|authorization|api_?key|signature|cookie|credentials?|hash)$|(Password|Secret|Token|ApiKey|Signature|Hash)$/i;
/** Properties of database errors that carry the statement's values (PGlite and pg attach them). */
const SQL_VALUES = new Set(['params', 'parameters', 'values', 'bindings', 'queryOptions']);

function scrub(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SQL_VALUES.has(key)) out[key] = '[redacted]';
    else if (SECRET_NAME.test(key) && item !== null && typeof item !== 'object') out[key] = '[redacted]';
    else out[key] = scrub(item, depth + 1);
  }
  return out;
}

/** An error as pino writes it, without the SQL parameters or secret-named fields it may carry. */
export const errSerializer = (error: unknown) =>
  scrub(error instanceof Error ? pino.stdSerializers.err(error) : error);

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: '3kstory' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: errSerializer, error: errSerializer },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      mixin() {
        const ctx = requestContext.current();
        return ctx ? { correlationId: ctx.correlationId, ...(ctx.userId ? { userId: ctx.userId } : {}) } : {};
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as never,
  );
}

/** Routes Nest's own log calls into pino so there is one structured stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  // Nest's start-up chatter (routes mapped, modules loaded) is debug detail, not an operator's concern.
  log(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

export { LOGGER } from '../../application/ports/observability.port.js';
