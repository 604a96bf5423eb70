import type { ConsumerAdmin } from '../../application/ports/consumer.port.js';
import type { EventStore } from '../../application/ports/event-store.port.js';
import type { ProjectionProgress } from '../../application/ports/read-models.port.js';
import { STAGES, type Stage } from '../../domain/drama/drama.types.js';
import {
  consumerFailing,
  consumerLagEvents,
  consumerParked,
  consumerPosition,
  jobsInFlight,
  metricsRegistry,
  projectionLagEvents,
  projectionLagSeconds,
} from './metrics.js';

/** What the gauges computed at scrape time are read from. */
export interface ScrapeSources {
  store: Pick<EventStore, 'headPosition' | 'readAll'>;
  projections: Pick<ProjectionProgress, 'positions'>;
  consumers?: Pick<ConsumerAdmin, 'status'>;
  /** Jobs queued or running in this process, by stage. */
  jobsInFlight: () => ReadonlyMap<Stage, number>;
  now?: () => number;
}

/**
 * Sets the gauges that describe "now" rather than count what happened: projection lag in events (head
 * position minus checkpoint) and in seconds (age of the oldest event the projection has not applied,
 * 0 when caught up), and jobs in flight per stage (every stage listed, 0 when idle).
 */
export async function refreshScrapeGauges(sources: ScrapeSources): Promise<void> {
  const now = sources.now ?? Date.now;
  const head = await sources.store.headPosition();
  for (const { name, position } of sources.projections.positions()) {
    const lag = Math.max(0, head - position);
    projectionLagEvents.set({ projection: name }, lag);
    let seconds = 0;
    if (lag > 0) {
      const [oldest] = await sources.store.readAll({ after: position, maxCount: 1 });
      if (oldest) seconds = Math.max(0, (now() - Date.parse(oldest.recordedAt)) / 1000);
    }
    projectionLagSeconds.set({ projection: name }, seconds);
  }
  for (const consumer of (await sources.consumers?.status()) ?? []) {
    const labels = { consumer: consumer.name, kind: consumer.kind };
    consumerPosition.set(labels, consumer.position);
    consumerLagEvents.set(labels, Math.max(0, head - consumer.position));
    consumerParked.set(labels, consumer.parked);
    consumerFailing.set(labels, consumer.state === 'retrying' ? 1 : 0);
  }
  const inFlight = sources.jobsInFlight();
  for (const stage of STAGES) jobsInFlight.set({ stage }, inFlight.get(stage) ?? 0);
}

/** The Prometheus text exposition of this process, gauges refreshed first. */
export async function scrapeMetrics(sources: ScrapeSources): Promise<{ contentType: string; body: string }> {
  await refreshScrapeGauges(sources);
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
