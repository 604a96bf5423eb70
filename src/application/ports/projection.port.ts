import type { SqlExecutor } from './database.port.js';
import type { StoredEvent } from './event-store.port.js';

/** Physical table names for a projection's logical tables (they change on every rebuild). */
export type TableNames<T extends string = string> = Record<T, string>;

/**
 * A read model: its tables, the events it reads and how each one changes the rows. Queries read the
 * logical name (a view onto the live physical table), so a rebuild can swap tables underneath them.
 * `apply` must not throw on any recorded event, and must be idempotent per event.
 */
export interface Projection<T extends string = string> {
  readonly name: string;
  /** Bump to have the read model rebuilt from position 0 (alongside the live one, then swapped). */
  readonly version: number;
  readonly tables: readonly T[];
  readonly eventTypes: readonly string[];
  createTables(tx: SqlExecutor, tables: TableNames<T>): Promise<void>;
  apply(tx: SqlExecutor, event: StoredEvent, tables: TableNames<T>): Promise<void>;
  /**
   * Optional: the same as `apply` on each event in order, in fewer statements. A rebuild replays the
   * whole log through it; it must leave exactly the rows `apply` would.
   */
  applyBatch?(tx: SqlExecutor, events: readonly StoredEvent[], tables: TableNames<T>): Promise<void>;
}

export interface ProjectedBatch {
  projection: string;
  position: number;
  events: StoredEvent[];
}
