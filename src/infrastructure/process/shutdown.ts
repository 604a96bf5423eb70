import type { Logger } from 'pino';

export interface ShutdownStep {
  /** What failed, in the log line, if this step throws. */
  name: string;
  run: () => Promise<void>;
}

/**
 * SIGINT/SIGTERM: runs the steps in order once (a failing step is logged and the next still runs), then
 * exits 0; if they take longer than `forceAfterMs` the process exits 1 instead of hanging.
 */
export function exitOnSignals(
  logger: Logger,
  message: string,
  forceAfterMs: number,
  steps: readonly ShutdownStep[],
): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, message);
    const force = setTimeout(() => process.exit(1), forceAfterMs).unref();
    for (const step of steps) {
      await step.run().catch((error: unknown) => logger.error({ err: error }, `${step.name} failed`));
    }
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
