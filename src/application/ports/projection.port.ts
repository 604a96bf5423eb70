import type { SqlExecutor } from './database.port.js';
import type { StoredEvent } from './event-store.port.js';

/** Physical table names for a projection's logical tables (they change on every rebuild). */
export type TableNames<T extends string = string> = Record<T, string>;

/**
 * What a projection may use besides its own rows, handed in by whoever runs it (the live worker, a
 * rebuild, the auditor's scratch replay).
 */
export interface ProjectionContext {
  /**
   * One stream's events as the log holds them: the truth a fold falls back on when its memo is cold.
   * Pass the projection's transaction: when the log lives in the same database it is read through it
   * (an embedded database has one connection, which the transaction holds).
   */
  readStream(streamId: string, tx: SqlExecutor): Promise<StoredEvent[]>;
  /**
   * Scratch memory that lives as long as the writer of these tables. It may be empty at any call (a new
   * process, another process wrote in between) and may hold entries of a batch that rolled back, so a
   * projection validates every entry against its rows before trusting it.
   */
  readonly memo: Map<string, unknown>;
}

/**
 * A read model: its tables, the events it reads and how a batch of them changes the rows. Queries read
 * the logical name (a view onto the live physical table), so a rebuild can swap tables underneath them.
 *
 * `applyBatch` gets the projection's events of a contiguous slice of the global log, in order, and must
 * leave exactly the rows that applying them one at a time would (a rebuild folds pages of thousands, the
 * live worker whatever has arrived, an operator's retry one event): set-based statements over the rows
 * the batch touches, not round trips per event. It must not throw on any recorded event.
 */
export interface Projection<T extends string = string> {
  readonly name: string;
  /** Bump to have the read model rebuilt from position 0 (alongside the live one, then swapped). */
  readonly version: number;
  readonly tables: readonly T[];
  readonly eventTypes: readonly string[];
  createTables(tx: SqlExecutor, tables: TableNames<T>): Promise<void>;
  applyBatch(
    tx: SqlExecutor,
    events: readonly StoredEvent[],
    tables: TableNames<T>,
    context: ProjectionContext,
  ): Promise<void>;
}

export interface ProjectedBatch {
  projection: string;
  position: number;
  events: StoredEvent[];
}
