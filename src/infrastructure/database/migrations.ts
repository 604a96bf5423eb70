import type { Database, SqlExecutor } from '../../application/ports/database.port.js';

export interface Migration {
  /** Unique and stable, e.g. "event-store/001-schema". Applied in array order. */
  id: string;
  up(tx: SqlExecutor): Promise<void>;
}

/** Runs each missing migration once, under a lock so several processes can start together. */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('3kstory:migrate'))`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id),
    );
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await migration.up(tx);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
      applied.push(migration.id);
    }
    return applied;
  });
}

/** Splits a DDL script on blank-line-separated statements; PGlite's parameterised query takes one at a time. */
export const sqlStatements =
  (...statements: string[]): Migration['up'] =>
  async (tx) => {
    for (const statement of statements) await tx.query(statement);
  };
