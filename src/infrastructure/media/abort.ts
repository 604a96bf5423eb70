/** Rejection used for every cancelled media operation, recognisable by name like the platform's own. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

export const isAbortError = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');

export function throwIfAborted(signal: AbortSignal | undefined, what = 'media operation'): void {
  if (signal?.aborted) throw new AbortError(`${what} was cancelled`, { cause: signal.reason });
}
