import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

export interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

export const success = <T>(data: T): Envelope<T> => ({ code: 0, message: 'success', data });

/** Wraps every controller result in the seed's `{code, message, data}` envelope. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next.handle().pipe(map((data: unknown) => success(data ?? null)));
  }
}
