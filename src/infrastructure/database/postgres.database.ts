import pg from 'pg';
import type { Database, SqlExecutor } from '../../application/ports/database.port.js';

const executor = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
  async query<Row>(sql: string, params?: readonly unknown[]) {
    const result = await client.query(sql, params as unknown[] | undefined);
    return result.rows as Row[];
  },
});

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly exec: SqlExecutor;

  constructor(connectionString: string, options: { max?: number; applicationName?: string } = {}) {
    this.pool = new pg.Pool({
      connectionString,
      max: options.max ?? 20,
      application_name: options.applicationName ?? '3kstory',
      // A connection left idle inside a transaction would hold back every global-log reader.
      idle_in_transaction_session_timeout: 60_000,
    });
    this.pool.on('error', () => undefined);
    this.exec = executor(this.pool);
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.exec.query<Row>(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
