import pg from 'pg';
import type { Logger } from 'pino';
import type { AppendSignal } from './append-signal.js';

const CHANNEL = 'es_appended';

/**
 * Cross-process wake-ups on PostgreSQL. Appends are not slowed by NOTIFY inside their transaction
 * (NOTIFY serialises commits); instead each process sends at most one NOTIFY per `throttleMs` after
 * its own appends, and every process LISTENs. Subscribers also poll slowly, so a lost notification
 * only costs latency, never an event.
 */
export class PgAppendNotifier {
  private listener: pg.Client | null = null;
  private closed = false;
  private inFlight = false;
  private pending = false;

  constructor(
    private readonly connectionString: string,
    private readonly pool: pg.Pool,
    private readonly signal: AppendSignal,
    private readonly logger: Logger,
    private readonly throttleMs = 2,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  /** Called after each local append. */
  publish(): void {
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    this.pool
      .query(`SELECT pg_notify('${CHANNEL}', '')`)
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'NOTIFY failed; subscribers fall back to polling'),
      )
      .finally(() =>
        setTimeout(() => {
          this.inFlight = false;
          if (this.pending && !this.closed) {
            this.pending = false;
            this.publish();
          }
        }, this.throttleMs),
      );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: '3kstory-listen',
    });
    client.on('notification', () => this.signal.notify());
    client.on('error', (error) => {
      if (this.closed) return;
      this.logger.warn({ err: error }, 'LISTEN connection lost; reconnecting');
      this.listener = null;
      setTimeout(() => void this.connect().catch(() => undefined), 500);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
    this.signal.notify(); // anything appended while we were not listening
  }
}
