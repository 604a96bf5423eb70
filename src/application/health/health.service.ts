import { Inject, Injectable } from '@nestjs/common';
import { CONSUMER_ADMIN, type ConsumerAdmin, type ConsumerStatus } from '../ports/consumer.port.js';
import { DATABASE, type Database } from '../ports/database.port.js';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from '../ports/read-models.port.js';

export interface ConsumerHealth {
  name: string;
  kind: ConsumerStatus['kind'];
  state: ConsumerStatus['state'];
  position: number;
  lag: number;
  restarts: number;
  parked: number;
  /** Why this consumer makes the service degraded; null when it is fine. */
  reason: string | null;
}

export interface HealthReport {
  /** ok; degraded: serving, but a consumer of the log is failing or has parked events; down: no database. */
  status: 'ok' | 'degraded' | 'down';
  database: { ok: boolean; kind: string; latency_ms: number; error?: string };
  event_store: { ok: boolean; head_position: number; error?: string };
  projections: { name: string; position: number; lag_events: number }[];
  consumers: ConsumerHealth[];
  /** One line per problem, naming the consumer, its position and the reason. */
  problems: string[];
}

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, Math.round((performance.now() - started) * 10) / 10];
};

const reasonOf = (c: ConsumerStatus): string | null => {
  if (c.state === 'retrying') {
    const at = c.lastError?.position ?? c.position;
    return `${c.name} is failing at position ${at} and retrying: ${c.lastError?.message ?? 'unknown error'}`;
  }
  if (c.parked > 0) {
    return `${c.name} parked ${c.parked} event(s) it could not handle (GET /api/v1/admin/parked?consumer=${c.name})`;
  }
  if (c.state === 'stopped') return `${c.name} is stopped`;
  return null;
};

@Injectable()
export class HealthService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(CONSUMER_ADMIN) private readonly consumers: ConsumerAdmin,
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
    const head = eventStore.head_position;
    const projections = this.progress.positions().map((p) => ({
      ...p,
      lag_events: Math.max(0, head - p.position),
    }));
    const statuses = database.ok ? await this.consumers.status().catch(() => []) : [];
    const consumers = statuses.map((c) => ({
      name: c.name,
      kind: c.kind,
      state: c.state,
      position: c.position,
      lag: Math.max(0, head - c.position),
      restarts: c.restarts,
      parked: c.parked,
      reason: reasonOf(c),
    }));
    const problems = [
      ...(database.ok ? [] : [`database: ${database.error ?? 'not answering'}`]),
      ...(eventStore.ok ? [] : [`event store: ${eventStore.error ?? 'not answering'}`]),
      ...consumers.flatMap((c) => (c.reason ? [c.reason] : [])),
    ];
    return {
      status: !database.ok || !eventStore.ok ? 'down' : problems.length > 0 ? 'degraded' : 'ok',
      database,
      event_store: eventStore,
      projections,
      consumers,
      problems,
    };
  }
}
