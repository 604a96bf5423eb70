import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { DomainError, type DomainErrorKind } from '../../domain/shared/domain-error.js';
import { zodIssues } from './zod.pipe.js';

const STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

interface Mapped {
  status: number;
  message: string;
  data: Record<string, unknown> | null;
}

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

function map(error: unknown): Mapped {
  if (error instanceof DomainError) {
    return {
      status: STATUS[error.kind],
      message: error.message,
      data: { error: error.code, ...error.details },
    };
  }
  if (error instanceof ZodError) {
    const errors = zodIssues(error);
    return {
      status: 400,
      message: `invalid request: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      data: { error: 'REQUEST.INVALID', errors },
    };
  }
  // Nest wraps body-parser's errors in an HttpException; the original (with its `type`) is the cause.
  const parser = (error instanceof HttpException && error.cause ? error.cause : error) as BodyParserError;
  if (parser?.type === 'entity.parse.failed') {
    return {
      status: 400,
      message: 'request body is not valid JSON',
      data: { error: 'REQUEST.MALFORMED_JSON' },
    };
  }
  if (parser?.type === 'entity.too.large') {
    return {
      status: 413,
      message: 'request body is larger than 1 MiB',
      data: { error: 'REQUEST.TOO_LARGE' },
    };
  }
  if (parser?.type === 'encoding.unsupported' || parser?.type === 'charset.unsupported') {
    return {
      status: 415,
      message: 'unsupported body encoding or charset',
      data: { error: 'REQUEST.UNSUPPORTED' },
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message =
      status === HttpStatus.NOT_FOUND
        ? 'no such route'
        : typeof body === 'string'
          ? body
          : String((body as { message?: unknown }).message ?? error.message);
    return { status, message, data: null };
  }
  const status = parser?.status ?? parser?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: (error as Error).message ?? 'bad request', data: null };
  }
  return { status: 500, message: 'internal error; it has been logged with the correlation id', data: null };
}

/** The one place errors become HTTP responses: `{code: <status>, message, data}`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const ctx = host.switchToHttp();
    const response = ctx.getResponse<Response>();
    const request = ctx.getRequest<Request>();
    const mapped = map(error);
    if (mapped.status >= 500) {
      this.logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    }
    if (response.headersSent) return;
    response.status(mapped.status).json({ code: mapped.status, message: mapped.message, data: mapped.data });
  }
}
