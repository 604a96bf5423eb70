import { Writable } from 'node:stream';
import { createLogger } from '../../src/infrastructure/logging/logger.js';

/** Silent unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug npm test). */
export const testLogger = () => createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/** A real logger (same format as production) whose JSON lines are kept in memory for assertions. */
export function capturingLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}
