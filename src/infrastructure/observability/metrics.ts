import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one process, served at GET /metrics. One registry per process (module
 * singleton): every component records into it, nothing else reads it.
 */
export const metricsRegistry = new Registry();
metricsRegistry.setDefaultLabels({ service: '3kstory' });
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by route template, method and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const eventsAppended = new Counter({
  name: 'eventstore_events_appended_total',
  help: 'Events appended to the event store by this process',
  registers: [metricsRegistry],
});

export const projectionLagEvents = new Gauge({
  name: 'projection_lag_events',
  help: 'Events in the global log the projection has not applied yet',
  labelNames: ['projection'] as const,
  registers: [metricsRegistry],
});

export const projectionLagSeconds = new Gauge({
  name: 'projection_lag_seconds',
  help: 'Age of the oldest event the projection has not applied yet (0 when caught up)',
  labelNames: ['projection'] as const,
  registers: [metricsRegistry],
});

export const jobsTotal = new Counter({
  name: 'jobs_total',
  help: 'Generation jobs finished by this process, by stage and outcome (completed|failed|cancelled)',
  labelNames: ['stage', 'status'] as const,
  registers: [metricsRegistry],
});

export const jobDuration = new Histogram({
  name: 'job_duration_seconds',
  help: 'Wall time of generation jobs by stage',
  labelNames: ['stage', 'status'] as const,
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  registers: [metricsRegistry],
});

export const jobsInFlight = new Gauge({
  name: 'jobs_in_flight',
  help: 'Jobs queued or running in this process, by stage',
  labelNames: ['stage'] as const,
  registers: [metricsRegistry],
});

export const websocketConnections = new Gauge({
  name: 'websocket_connections',
  help: 'Open progress connections (WebSocket and SSE)',
  labelNames: ['transport'] as const,
  registers: [metricsRegistry],
});

export const consumerRestarts = new Counter({
  name: 'consumer_restarts_total',
  help: 'Failed attempts of a consumer of the log (each one is retried with backoff)',
  labelNames: ['consumer'] as const,
  registers: [metricsRegistry],
});

export const consumerPosition = new Gauge({
  name: 'consumer_position',
  help: 'Checkpoint of a consumer of the log (global position)',
  labelNames: ['consumer', 'kind'] as const,
  registers: [metricsRegistry],
});

export const consumerLagEvents = new Gauge({
  name: 'consumer_lag_events',
  help: 'Log head minus the consumer checkpoint',
  labelNames: ['consumer', 'kind'] as const,
  registers: [metricsRegistry],
});

export const consumerParked = new Gauge({
  name: 'consumer_parked_events',
  help: 'Events a consumer parked that no operator has retried or skipped yet',
  labelNames: ['consumer', 'kind'] as const,
  registers: [metricsRegistry],
});

export const consumerFailing = new Gauge({
  name: 'consumer_failing',
  help: '1 while the consumer is retrying a failure, 0 while it follows the log',
  labelNames: ['consumer', 'kind'] as const,
  registers: [metricsRegistry],
});
