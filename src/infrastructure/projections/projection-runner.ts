import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Database, SqlExecutor } from '../../application/ports/database.port.js';
import { IdleMoveCoalescer } from '../../application/consumers/checkpoints.js';
import { ConsumerEngine } from '../../application/consumers/consumer-engine.js';
import type { SupervisedConsumer } from '../../application/consumers/supervised-consumer.js';
import type { EventStore, StoredEvent } from '../../application/ports/event-store.port.js';
import { SqlParkedEventStore } from '../consumers/sql.parked-event-store.js';
import { SqlEventStore } from '../event-store/sql.event-store.js';
import type {
  ProjectedBatch,
  Projection,
  ProjectionContext,
  TableNames,
} from '../../application/ports/projection.port.js';
import type {
  ProjectionAdmin,
  ProjectionProgress,
  ProjectionStatus,
  RebuildStatus,
} from '../../application/ports/read-models.port.js';
import { projectionLagEvents } from '../observability/metrics.js';
import { listProjectionStates, type ProjectionStateRow, readProjectionState } from './projection-state.js';

/** Events read and applied per transaction during a rebuild (and at most per live batch). */
const REBUILD_BATCH = 5_000;

/** The tables a projection writes under a suffix (`v1`, a rebuild's stamp…); views point at one set. */
export const physicalNames = (projection: Projection, suffix: string): TableNames =>
  Object.fromEntries(projection.tables.map((t) => [t, `${t}__${suffix}`]));

async function pointViews(tx: SqlExecutor, projection: Projection, tables: TableNames): Promise<void> {
  for (const logical of projection.tables) {
    await tx.query(`DROP VIEW IF EXISTS ${logical}`);
    await tx.query(`CREATE VIEW ${logical} AS SELECT * FROM ${tables[logical]}`);
  }
}

async function dropTables(tx: SqlExecutor, tables: TableNames): Promise<void> {
  for (const physical of Object.values(tables)) await tx.query(`DROP TABLE IF EXISTS ${physical}`);
}

/**
 * Runs every projection: reads the global log from the projection's checkpoint and writes rows and the
 * new checkpoint in one transaction. The checkpoint update is a compare-and-set, so two runners (two
 * processes, or a rebuild swapping tables) never apply the same event twice.
 */
export class ProjectionRunner implements ProjectionProgress, ProjectionAdmin {
  private readonly emitter = new EventEmitter();
  private readonly workers = new Map<string, ProjectionWorker>();
  private readonly rebuilds = new Map<string, RebuildStatus>();

  private readonly engine: ConsumerEngine;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly logger: Logger,
    engine?: ConsumerEngine,
  ) {
    this.emitter.setMaxListeners(0);
    this.engine = engine ?? new ConsumerEngine(store, new SqlParkedEventStore(db), logger);
  }

  get names(): string[] {
    return this.projections.map((p) => p.name);
  }

  /** Installs missing projections and registers their consumers (not started): what an operator's retry needs. */
  async prepare(): Promise<Map<string, ProjectionStateRow>> {
    const states = new Map<string, ProjectionStateRow>();
    for (const projection of this.projections) {
      let state = await readProjectionState(this.db, projection.name);
      if (!state) state = await this.install(projection);
      states.set(projection.name, state);
      if (this.workers.has(projection.name)) continue;
      const worker = new ProjectionWorker(
        this.db,
        this.engine,
        projection,
        state,
        this.context(),
        (batch) => {
          this.emitter.emit('projected', batch);
        },
      );
      this.workers.set(projection.name, worker);
    }
    return states;
  }

  async start(): Promise<void> {
    const states = await this.prepare();
    for (const projection of this.projections) {
      const state = states.get(projection.name)!;
      await this.workers.get(projection.name)!.start();
      if (state.version !== projection.version) {
        this.logger.warn(
          { projection: projection.name, from: state.version, to: projection.version },
          'projection version changed: rebuilding alongside the live tables',
        );
        void this.rebuild(projection.name).catch((error: unknown) =>
          this.logger.error({ err: error, projection: projection.name }, 'projection rebuild failed'),
        );
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
  }

  onProjected(listener: (batch: ProjectedBatch) => void): () => void {
    this.emitter.on('projected', listener);
    return () => this.emitter.off('projected', listener);
  }

  position(name: string): number {
    return this.workers.get(name)?.position ?? 0;
  }

  /**
   * Where a projection has got to: its row in projection_state, or this process's worker where that is
   * ahead (on PGlite, moves past unwanted events reach the row only now and then: see ProjectionWorker).
   */
  private applied(name: string, state: ProjectionStateRow | undefined): number {
    const worker = this.workers.get(name);
    const mine = worker && state && worker.tablesSuffix === state.suffix ? worker.position : 0;
    return Math.max(state?.position ?? 0, mine);
  }

  /** The lowest position every projection has applied (what the REST views all reflect). */
  async lowestApplied(): Promise<number> {
    const states = await listProjectionStates(this.db);
    const applied = this.names.map((name) =>
      this.applied(
        name,
        states.find((s) => s.name === name),
      ),
    );
    return applied.length > 0 ? Math.min(...applied) : 0;
  }

  positions(): { name: string; position: number }[] {
    return [...this.workers.entries()].map(([name, worker]) => ({ name, position: worker.position }));
  }

  async waitFor(name: string, position: number, timeoutMs = 5_000): Promise<boolean> {
    const worker = this.workers.get(name);
    if (!worker) throw new Error(`unknown projection ${name}`);
    const deadline = Date.now() + timeoutMs;
    while (worker.position < position) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await new Promise<void>((resolve) => {
        const done = () => (clearTimeout(timer), this.emitter.off('projected', onBatch), resolve());
        const onBatch = (batch: ProjectedBatch) =>
          batch.projection === name && batch.position >= position && done();
        const timer = setTimeout(done, Math.min(remaining, 50));
        this.emitter.on('projected', onBatch);
      });
      // Another process may own the checkpoint: the table is the truth.
      if (worker.position < position) await worker.refreshPosition();
    }
    return true;
  }

  /** Rebuild state of each projection this process rebuilt (or is rebuilding). */
  rebuildStatus(name: string): RebuildStatus {
    return this.rebuilds.get(name) ?? { state: 'idle' };
  }

  /**
   * Starts a rebuild in the background (one at a time per projection in this process) and returns at
   * once; progress and the outcome show in `rebuildStatus` and `status()`.
   */
  startRebuild(names: readonly string[]): string[] {
    const unknown = names.filter((n) => !this.projections.some((p) => p.name === n));
    if (unknown.length > 0) throw new Error(`unknown projection ${unknown.join(', ')}`);
    const fresh = names.filter((n) => this.rebuilds.get(n)?.state !== 'rebuilding');
    if (fresh.length > 0) {
      void this.rebuildMany(fresh).catch((error: unknown) =>
        this.logger.error({ err: error, projections: fresh }, 'projection rebuild failed'),
      );
    }
    return fresh;
  }

  /** Every projection: code version, stored version, checkpoint, lag behind the log head and rebuild state. */
  async status(): Promise<ProjectionStatus[]> {
    const [states, head] = await Promise.all([listProjectionStates(this.db), this.store.headPosition()]);
    return this.projections.map((projection) => {
      const state = states.find((s) => s.name === projection.name);
      const rebuild = this.rebuildStatus(projection.name);
      const checkpoint = this.applied(projection.name, state);
      projectionLagEvents.set({ projection: projection.name }, Math.max(0, head - checkpoint));
      return {
        name: projection.name,
        version: projection.version,
        storedVersion: state?.version ?? null,
        tables: state ? Object.values(physicalNames(projection, state.suffix)) : [],
        checkpoint,
        head,
        lag: Math.max(0, head - checkpoint),
        status:
          rebuild.state === 'rebuilding'
            ? 'rebuilding'
            : rebuild.state === 'failed'
              ? 'failed'
              : !state
                ? 'not_installed'
                : state.version !== projection.version
                  ? 'stale_version'
                  : 'live',
        rebuild,
      };
    });
  }

  /**
   * Blue-green rebuild: replay the whole log into new tables while the live ones keep serving, then,
   * in one transaction that holds the checkpoint row, catch up the last events and point the views at
   * the new tables. Returns the number of events replayed.
   */
  async rebuild(name: string, onProgress?: (position: number, head: number) => void): Promise<number> {
    return this.rebuildMany([name], onProgress);
  }

  /**
   * Rebuilds several projections in one pass over the log (each event is read once and applied to every
   * projection that wants it), then swaps each one in as soon as it has caught up with its live twin.
   */
  async rebuildMany(
    names: readonly string[],
    onProgress?: (position: number, head: number) => void,
  ): Promise<number> {
    const projections = names.map((name) => {
      const projection = this.projections.find((p) => p.name === name);
      if (!projection) throw new Error(`unknown projection ${name}`);
      if (this.rebuilds.get(name)?.state === 'rebuilding') throw new Error(`${name} is already rebuilding`);
      return projection;
    });
    const startedAt = new Date().toISOString();
    const started = performance.now();
    // Marked before the first await, so a status read right after starting already shows it.
    for (const p of projections) {
      this.rebuilds.set(p.name, { state: 'rebuilding', startedAt, position: 0, head: 0, events: 0 });
    }
    let head = 0;
    const stamp = Date.now().toString(36);
    const pending = new Map(
      projections.map((p) => [
        p.name,
        {
          projection: p,
          tables: physicalNames(p, `v${p.version}_${stamp}`),
          types: new Set(p.eventTypes),
          context: this.context(),
        },
      ]),
    );
    let position = 0;
    let replayed = 0;
    const progress = (now: number) => {
      for (const name of pending.keys()) {
        this.rebuilds.set(name, { state: 'rebuilding', startedAt, position, head: now, events: replayed });
      }
      onProgress?.(position, now);
    };
    const catchUp = async () => {
      let next = this.readPage(position);
      for (;;) {
        const events = await next;
        if (events.length === 0) return;
        const end = events[events.length - 1]!.globalPosition;
        // The next page is read while this one is written.
        next = this.readPage(end);
        // Each projection writes its own new tables, in its own transaction (its own connection on
        // PostgreSQL): nobody reads them before the swap, which checks the position they reached.
        await Promise.all(
          [...pending.values()].map(({ projection, tables, types, context }) => {
            const relevant = events.filter((e) => types.has(e.type));
            if (relevant.length === 0) return undefined;
            return this.db.transaction(async (tx) => {
              // Nobody reads these tables before the swap, whose own commit waits for the log on disk
              // (and with it every earlier commit): a batch need not wait for its own flush.
              await tx.query('SET LOCAL synchronous_commit = off');
              await projection.applyBatch(tx, relevant, tables, context);
            });
          }),
        );

        replayed += events.length;
        position = end;
        progress(Math.max(head, position));
      }
    };
    try {
      head = await this.store.headPosition();
      for (const { projection, tables } of pending.values()) {
        await this.db.transaction((tx) => projection.createTables(tx, tables));
      }
      for (let attempt = 0; pending.size > 0; attempt++) {
        if (attempt > 100) {
          throw new Error(
            `rebuild of ${[...pending.keys()].join(', ')} could not catch up with the live projection`,
          );
        }
        await catchUp();
        for (const [name, { projection, tables }] of pending) {
          const swapped = await this.swap(projection, tables, position);
          if (!swapped) continue; // the live runner moved on: catch up again
          pending.delete(name);
          const seconds = (performance.now() - started) / 1000;
          this.rebuilds.set(name, {
            state: 'completed',
            startedAt,
            finishedAt: new Date().toISOString(),
            position,
            head: position,
            events: replayed,
            seconds,
          });
          this.logger.info(
            { projection: name, events: replayed, position, seconds },
            'projection rebuilt and swapped',
          );
        }
      }
      return replayed;
    } catch (error) {
      for (const [name, { tables }] of pending) {
        await this.db.transaction((tx) => dropTables(tx, tables)).catch(() => undefined);
        this.rebuilds.set(name, {
          state: 'failed',
          startedAt,
          finishedAt: new Date().toISOString(),
          position,
          head,
          events: replayed,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      throw error;
    }
  }

  /** A page of the log for a rebuild; a failure surfaces where the page is awaited, never unhandled. */
  private readPage(after: number): Promise<StoredEvent[]> {
    const page = this.store.readAll({ after, maxCount: REBUILD_BATCH });
    page.catch(() => undefined);
    return page;
  }

  private context(): ProjectionContext {
    const store = this.store;
    // A log in the projections' own database is read inside the projection's transaction.
    const sameDatabase = store instanceof SqlEventStore && store.db === this.db;
    return {
      readStream: (streamId, tx) =>
        sameDatabase ? store.readStreamWith(tx, streamId) : store.readStream(streamId),
      memo: new Map(),
    };
  }

  /** Points the views at the rebuilt tables if the live checkpoint is not ahead of them; drops the old tables. */
  private async swap(projection: Projection, tables: TableNames, position: number): Promise<boolean> {
    const suffix = tables[projection.tables[0]!]!.slice(projection.tables[0]!.length + 2);
    const outcome = await this.db.transaction(async (tx) => {
      const live = await readProjectionState(tx, projection.name, true);
      if (live && live.position > position) return { swapped: false as const };
      await pointViews(tx, projection, tables);
      await tx.query(
        `INSERT INTO projection_state (name, version, suffix, position) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET version = $2, suffix = $3, position = $4, updated_at = now()`,
        [projection.name, projection.version, suffix, position],
      );
      return { swapped: true as const, old: live };
    });
    if (!outcome.swapped) return false;
    if (outcome.old && outcome.old.suffix !== suffix) {
      const old = physicalNames(projection, outcome.old.suffix);
      await this.db.transaction((tx) => dropTables(tx, old));
    }
    return true;
  }

  private async install(projection: Projection): Promise<ProjectionStateRow> {
    const suffix = `v${projection.version}`;
    const tables = physicalNames(projection, suffix);
    return this.db.transaction(async (tx) => {
      const existing = await readProjectionState(tx, projection.name, true);
      if (existing) return existing;
      await projection.createTables(tx, tables);
      await pointViews(tx, projection, tables);
      await tx.query(
        'INSERT INTO projection_state (name, version, suffix, position) VALUES ($1, $2, $3, 0)',
        [projection.name, projection.version, suffix],
      );
      return { name: projection.name, version: projection.version, suffix, position: 0 };
    });
  }
}

/** The live side of one projection: a supervised consumer whose checkpoint is its row in projection_state. */
class ProjectionWorker {
  private suffix: string;
  private tables: TableNames;
  private readonly consumer: SupervisedConsumer;
  /** The checkpoint as this process last saw it, from its own consumer or from the table. */
  private seen: number;
  /** The position in the table while moves past unwanted events are not written (PGlite only). */
  private stored: number | undefined;
  private readonly idleMoves = new IdleMoveCoalescer();

  constructor(
    private readonly db: Database,
    engine: ConsumerEngine,
    private readonly projection: Projection,
    state: ProjectionStateRow,
    private readonly context: ProjectionContext,
    private readonly announce: (batch: ProjectedBatch) => void,
  ) {
    this.suffix = state.suffix;
    this.tables = physicalNames(projection, state.suffix);
    this.seen = state.position;
    this.consumer = engine.register({
      name: `projection:${projection.name}`,
      kind: 'projection',
      types: projection.eventTypes,
      // A process that was down catches up in pages as large as a rebuild's; live batches stay small.
      batchSize: REBUILD_BATCH,
      checkpoint: {
        load: () => this.load(),
        advance: (from, to, work, handled) => this.advance(from, to, work, handled),
      },
      handle: (events, tx) => this.apply(tx!, events),
      // An operator's retry applies the parked event to the live tables now, out of its original order:
      // fine for idempotent upserts; a rebuild replays everything in order.
      replay: (event) => this.db.transaction((tx) => this.apply(tx, [event])),
      onAdvance: (position, events) => {
        this.seen = Math.max(this.seen, position);
        this.announce({ projection: projection.name, position, events });
      },
    });
  }

  get position(): number {
    return Math.max(this.seen, this.consumer.checkpoint);
  }

  get tablesSuffix(): string {
    return this.suffix;
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    // Write a position left behind by coalesced moves, so a restart does not read those events again.
    const stored = this.stored;
    if (stored !== undefined && this.consumer.checkpoint > stored) {
      await this.db
        .query(
          'UPDATE projection_state SET position = $2, updated_at = now() WHERE name = $1 AND position = $3 AND suffix = $4',
          [this.projection.name, this.consumer.checkpoint, stored, this.suffix],
        )
        .catch(() => undefined);
    }
  }

  async refreshPosition(): Promise<void> {
    const state = await readProjectionState(this.db, this.projection.name);
    if (state && state.suffix === this.suffix) this.seen = Math.max(this.seen, state.position);
  }

  private async load(): Promise<number> {
    this.stored = undefined;
    const state = await readProjectionState(this.db, this.projection.name);
    if (!state) throw new Error(`projection ${this.projection.name} is not installed`);
    if (state.suffix !== this.suffix) {
      this.suffix = state.suffix;
      this.tables = physicalNames(this.projection, state.suffix);
      this.seen = state.position;
    }
    this.seen = Math.max(this.seen, state.position);
    return state.position;
  }

  /**
   * Rows and checkpoint in one transaction, with a compare-and-set on the checkpoint and the tables.
   *
   * On PGlite (one process by construction, so nobody else reads or competes for the row) a move past
   * events this projection does not want is written at most once a second (IdleMoveCoalescer): without
   * that, every append cost every projection a transaction on the main thread. The compare-and-set is
   * then against the position last written, and the next write catches the row up.
   */
  private async advance(
    from: number,
    to: number,
    work: (tx: SqlExecutor | null) => Promise<void>,
    handled: number,
  ): Promise<boolean> {
    const expected = this.stored ?? from;
    if (this.db.dialect === 'pglite' && !this.idleMoves.write(handled)) {
      this.stored = expected;
      return true;
    }
    const moved = await this.db.transaction(async (tx) => {
      const state = await readProjectionState(tx, this.projection.name, true);
      if (!state || state.suffix !== this.suffix || state.position !== expected) return false;
      await work(tx);
      await tx.query('UPDATE projection_state SET position = $2, updated_at = now() WHERE name = $1', [
        this.projection.name,
        to,
      ]);
      return true;
    });
    this.stored = undefined;
    return moved;
  }

  private apply(tx: SqlExecutor, events: readonly StoredEvent[]): Promise<void> {
    return this.projection.applyBatch(tx, events, this.tables, this.context);
  }
}
