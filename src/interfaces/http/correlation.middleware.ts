import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestContext } from '../../application/shared/request-context.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Gives every request a correlation id (the caller's, if sane) and logs one line when it finishes. */
export function correlationMiddleware(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const inbound = req.header('x-correlation-id') ?? req.header('x-request-id');
    const correlationId = inbound && SAFE_ID.test(inbound) ? inbound : globalThis.crypto.randomUUID();
    res.setHeader('X-Correlation-Id', correlationId);
    const started = process.hrtime.bigint();
    const context = { correlationId, userId: null as string | null };
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          correlationId,
          userId: context.userId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms,
        },
        'request',
      );
    });
    requestContext.run(context, () => next());
  };
}
