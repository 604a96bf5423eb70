import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, from, map, type Observable, of, switchMap, throwError } from 'rxjs';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../../application/ports/idempotency.port.js';
import { canonicalJson } from '../../application/shared/hashing.js';
import { DomainError, invalid } from '../../domain/shared/domain-error.js';
import type { AuthUser } from './auth.js';

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

const NO_REPLAY = 'idempotency:no-replay';
/** For responses that must never be stored (e.g. a secret shown once): the key is ignored. */
export const NoIdempotencyReplay = () => SetMetadata(NO_REPLAY, true);

export const IDEMPOTENCY_TTL_SEC = Symbol('IdempotencyTtlSec');

/**
 * `Idempotency-Key` on POSTs: the same key with the same body gets the first response again (and
 * nothing runs twice, e.g. no second drama); the same key with another body is refused; a retry while
 * the first request is still running is told to wait. Keys are scoped to the user.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_TTL_SEC) private readonly ttlSec: number,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const header = request.header('idempotency-key');
    if (request.method !== 'POST' || header === undefined) return next.handle();
    if (this.reflector.get<boolean>(NO_REPLAY, context.getHandler())) return next.handle();
    if (!KEY.test(header)) {
      throw invalid(
        'REQUEST.INVALID_IDEMPOTENCY_KEY',
        'Idempotency-Key: 8–128 characters of letters, digits, _ . : -',
        {
          field: 'Idempotency-Key',
        },
      );
    }
    const response = context.switchToHttp().getResponse<Response>();
    const scope = request.user?.id ?? `ip:${request.ip}`;
    const key = `${scope}:${request.method}:${request.path}:${header}`;
    const fingerprint = createHash('sha256')
      .update(canonicalJson(request.body ?? null))
      .digest('hex');
    return from(this.store.claim(key, fingerprint, this.ttlSec)).pipe(
      switchMap((claim) => {
        if (claim.state === 'in_progress') {
          throw new DomainError(
            'conflict',
            'IDEMPOTENCY.IN_PROGRESS',
            'a request with this Idempotency-Key is still running: retry shortly',
          );
        }
        if (claim.state === 'done') {
          if (claim.fingerprint !== fingerprint) {
            throw new DomainError(
              'invalid',
              'IDEMPOTENCY.KEY_REUSED',
              'Idempotency-Key was already used with a different request body: use a new key',
              { field: 'Idempotency-Key' },
            );
          }
          // The route's own success status (e.g. 202) applies again: only successes are stored.
          response.setHeader('Idempotency-Replayed', 'true');
          return of(claim.response);
        }
        return next.handle().pipe(
          // Stored before the answer leaves, so an immediate retry finds it.
          switchMap((body) =>
            from(this.store.complete(key, fingerprint, 200, body, this.ttlSec).catch(() => undefined)).pipe(
              map(() => body),
            ),
          ),
          catchError((error: unknown) =>
            from(this.store.release(key).catch(() => undefined)).pipe(
              switchMap(() => throwError(() => error)),
            ),
          ),
        );
      }),
    );
  }
}
