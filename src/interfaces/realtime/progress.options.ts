/** Limits of the live progress transports (WebSocket and SSE). */
export interface RealtimeOptions {
  /** WebSocket ping interval; a peer that has not answered the previous ping is dropped. */
  heartbeatMs: number;
  /** SSE keep-alive comment interval. */
  keepAliveMs: number;
  /** Bytes queued for one client beyond which it is closed as too slow. */
  maxBufferedBytes: number;
}
export const REALTIME_OPTIONS = Symbol('RealtimeOptions');
export const defaultRealtimeOptions: RealtimeOptions = {
  heartbeatMs: 30_000,
  keepAliveMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
};

/** Close codes of /ws/projects/:id/progress (also documented in README.md). */
export const CLOSE = {
  shuttingDown: { code: 1001, reason: 'server shutting down' },
  badRequest: { code: 4400, reason: 'bad request' },
  unauthenticated: { code: 4401, reason: 'authentication required: valid token in Authorization or ?token=' },
  notFound: { code: 4404, reason: 'project not found' },
  tooSlow: { code: 4008, reason: 'client too slow' },
  internal: { code: 1011, reason: 'internal error' },
} as const;
