import { navigate } from './router.js';
import { getSession, setSession } from './session.js';
import type { Envelope, FieldError } from './types.js';

export const API = '/api/v1';

/** An API refusal: its HTTP status, the stable code (e.g. PROJECT.NOT_FOUND) and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Options {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function fieldsOf(data: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  const d = data as { errors?: FieldError[]; field?: string } | null;
  for (const e of d?.errors ?? []) fields[e.field] ??= e.message;
  return fields;
}

/** A signed-in user whose token was refused: back to the login page, then back here. */
export function sessionExpired(): void {
  setSession(null);
  // Several calls may be refused at once: the first one decides where to come back to.
  if (window.location.pathname === '/login') return;
  const here = window.location.pathname + window.location.search;
  navigate(`/login?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
}

/** Resolves when the browser is online: a request made offline would only fail. */
const online = () =>
  navigator.onLine
    ? Promise.resolve()
    : new Promise<void>((resolve) => window.addEventListener('online', () => resolve(), { once: true }));

export async function request<T>(
  method: string,
  path: string,
  options: Options = {},
): Promise<{ data: T; headers: Headers }> {
  await online();
  const session = getSession();
  let response: Response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      signal: options.signal,
      headers: {
        Accept: 'application/json',
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...(session ? { Authorization: `Bearer ${session.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network');
  }
  let envelope: Envelope<T> | null = null;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    // not JSON: a proxy's error page
  }
  if (response.ok && envelope && envelope.code === 0)
    return { data: envelope.data, headers: response.headers };
  if (response.status === 401 && session && !path.startsWith('/auth/')) sessionExpired();
  const data = envelope?.data as { error?: string } | null | undefined;
  throw new ApiError(
    response.status,
    envelope?.message ?? `${response.status} ${response.statusText}`,
    data?.error ?? null,
    fieldsOf(data),
  );
}

/** A read that met no server (network down, or just back) is tried twice more before giving up. */
export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await request<T>('GET', path, { signal })).data;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 0 || attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  request<T>('POST', path, { body, headers }).then((r) => r.data);

/** A query string from the non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}
