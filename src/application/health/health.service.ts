import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '../ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from '../ports/read-models.port.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: { ok: boolean; kind: string; latency_ms: number; error?: string };
  event_store: { ok: boolean; head_position: number; error?: string };
  projections: { name: string; position: number; lag_events: number }[];
}

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, Math.round((performance.now() - started) * 10) / 10];
};

@Injectable()
export class HealthService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
  ) {}

  async check(): Promise<HealthReport> {
    const database: HealthReport['database'] = { ok: false, kind: this.db.dialect, latency_ms: 0 };
    try {
      [, database.latency_ms] = await timed(() => this.db.query('SELECT 1'));
      database.ok = true;
    } catch (error) {
      database.error = (error as Error).message;
    }
    const eventStore: HealthReport['event_store'] = { ok: false, head_position: 0 };
    try {
      eventStore.head_position = await this.store.headPosition();
      eventStore.ok = true;
    } catch (error) {
      eventStore.error = (error as Error).message;
    }
    const projections = this.progress.positions().map((p) => ({
      ...p,
      lag_events: Math.max(0, eventStore.head_position - p.position),
    }));
    return {
      status: database.ok && eventStore.ok ? 'ok' : 'degraded',
      database,
      event_store: eventStore,
      projections,
    };
  }
}
