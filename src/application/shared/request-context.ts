import { AsyncLocalStorage } from 'node:async_hooks';

/** Carries the correlation id (and the acting user) from the request through every event, job and log line. */
export interface RequestContext {
  correlationId: string;
  causationId?: string | null;
  userId?: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, work: () => T): T {
    return storage.run(context, work);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  /** Mutates the current context in place (e.g. the auth guard adding the user after the middleware ran). */
  assign(values: Partial<RequestContext>): void {
    const current = storage.getStore();
    if (current) Object.assign(current, values);
  },
};
