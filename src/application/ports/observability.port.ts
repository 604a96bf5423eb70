/** The process's structured logger (pino), for whoever is handed it by injection. */
export const LOGGER = Symbol('Logger');

export type Transport = 'ws' | 'sse';

/** Open progress connections by transport: `websocket_connections` on GET /metrics. */
export interface ConnectionGauge {
  inc(labels: { transport: Transport }): void;
  dec(labels: { transport: Transport }): void;
}
export const CONNECTION_GAUGE = Symbol('ConnectionGauge');
