import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface Async<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
  set(data: T): void;
}

/**
 * Loads on mount and whenever `deps` change. A slower older load never overwrites a newer one; it is
 * left to finish rather than aborted (an aborted fetch is a failed request in the browser's eyes).
 */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loader
      .current()
      .then((data) => {
        if (live && run === latest.current) setState({ data, error: null, loading: false });
      })
      .catch((error: unknown) => {
        if (!live || run !== latest.current) return;
        const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
        setState((s) => ({ data: s.data, error: apiError, loading: false }));
      });
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const set = useCallback((data: T) => {
    latest.current++;
    setState({ data, error: null, loading: false });
  }, []);
  return { ...state, reload, set };
}

/** Calls `run` every `ms` while `active`; stops on unmount. */
export function useInterval(run: () => void, ms: number, active = true): void {
  const callback = useRef(run);
  callback.current = run;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => callback.current(), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
}

let counter = 0;
/** A fresh idempotency key per submission, so a double click never makes two dramas. */
export const newIdempotencyKey = () =>
  `studio-${Date.now().toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
