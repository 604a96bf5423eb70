import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, SqlExecutor } from '../../application/ports/database.port.js';

interface Queryable {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

const executor = (db: Queryable): SqlExecutor => ({
  async query<Row>(sql: string, params?: readonly unknown[]) {
    const result = await db.query<Row>(sql, params as unknown[] | undefined);
    return result.rows;
  },
});

/**
 * Embedded PostgreSQL (WebAssembly). One connection: queries are serialized by PGlite itself, and a
 * transaction holds that connection, so code inside `transaction` must only use the `tx` it is given.
 */
export class PgliteDatabase implements Database {
  readonly dialect = 'pglite' as const;
  private readonly exec: SqlExecutor;

  private constructor(readonly db: PGlite) {
    this.exec = executor(db);
  }

  /**
   * `dataDir` undefined = in memory. `loadDataDir`: a data directory dumped earlier (`dumpDataDir`) to
   * start from instead of running initdb (the test run makes one per run; initdb is ~1.5 s of CPU).
   */
  static async open(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<PgliteDatabase> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
    return new PgliteDatabase(db);
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.exec.query<Row>(sql, params);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(executor(tx)));
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
