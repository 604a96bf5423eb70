import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Database, SqlExecutor } from '../../application/ports/database.port.js';
import type { EventStore, StoredEvent, Subscription } from '../../application/ports/event-store.port.js';
import type { ProjectedBatch, Projection, TableNames } from '../../application/ports/projection.port.js';
import type { ProjectionProgress } from '../../application/ports/read-models.port.js';
import { type ProjectionStateRow, readProjectionState } from './projection-state.js';

class CheckpointMoved extends Error {}

const physicalNames = (projection: Projection, suffix: string): TableNames =>
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
export class ProjectionRunner implements ProjectionProgress {
  private readonly emitter = new EventEmitter();
  private readonly workers = new Map<string, ProjectionWorker>();

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  get names(): string[] {
    return this.projections.map((p) => p.name);
  }

  async start(): Promise<void> {
    for (const projection of this.projections) {
      let state = await readProjectionState(this.db, projection.name);
      if (!state) state = await this.install(projection);
      const worker = new ProjectionWorker(this.db, this.store, projection, state, this.logger, (batch) => {
        this.emitter.emit('projected', batch);
      });
      this.workers.set(projection.name, worker);
      worker.start();
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

  /**
   * Blue-green rebuild: replay the whole log into new tables while the live ones keep serving, then,
   * in one transaction that holds the checkpoint row, catch up the last events and point the views at
   * the new tables. Returns the number of events replayed.
   */
  async rebuild(name: string, onProgress?: (position: number, head: number) => void): Promise<number> {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new Error(`unknown projection ${name}`);
    const suffix = `v${projection.version}_${Date.now().toString(36)}`;
    const tables = physicalNames(projection, suffix);
    await this.db.transaction((tx) => projection.createTables(tx, tables));
    let position = 0;
    let replayed = 0;
    const catchUp = async () => {
      for (;;) {
        const events = await this.store.readAll({ after: position, maxCount: 2000 });
        if (events.length === 0) return;
        const relevant = events.filter((e) => projection.eventTypes.includes(e.type));
        await this.db.transaction(async (tx) => {
          for (const event of relevant) await projection.apply(tx, event, tables);
        });
        replayed += events.length;
        position = events[events.length - 1]!.globalPosition;
        onProgress?.(position, await this.store.headPosition());
      }
    };
    try {
      for (let attempt = 0; ; attempt++) {
        await catchUp();
        const old = await this.db.transaction(async (tx) => {
          const live = await readProjectionState(tx, name, true);
          if (live && live.position > position) return null; // the live runner moved on: catch up again
          await pointViews(tx, projection, tables);
          await tx.query(
            `INSERT INTO projection_state (name, version, suffix, position) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO UPDATE SET version = $2, suffix = $3, position = $4, updated_at = now()`,
            [name, projection.version, suffix, position],
          );
          return live;
        });
        if (old) {
          await this.db.transaction((tx) => dropTables(tx, physicalNames(projection, old.suffix)));
          this.logger.info(
            { projection: name, events: replayed, position },
            'projection rebuilt and swapped',
          );
          return replayed;
        }
        if (attempt > 100) throw new Error(`rebuild of ${name} could not catch up with the live projection`);
      }
    } catch (error) {
      await this.db.transaction((tx) => dropTables(tx, tables)).catch(() => undefined);
      throw error;
    }
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

class ProjectionWorker {
  private subscription: Subscription | null = null;
  private stopped = false;
  private suffix: string;
  private tables: TableNames;
  position: number;

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly projection: Projection,
    state: ProjectionStateRow,
    private readonly logger: Logger,
    private readonly announce: (batch: ProjectedBatch) => void,
  ) {
    this.suffix = state.suffix;
    this.tables = physicalNames(projection, state.suffix);
    this.position = state.position;
  }

  start(): void {
    if (this.stopped) return;
    const subscription = this.store.subscribeToAll(
      { after: this.position, types: this.projection.eventTypes, name: `projection:${this.projection.name}` },
      (events, last) => this.handle(events, last),
    );
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      async (error: unknown) => {
        if (this.stopped) return;
        if (!(error instanceof CheckpointMoved)) {
          this.logger.error(
            { err: error, projection: this.projection.name },
            'projection failed; retrying in 1 s',
          );
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
        await this.refreshPosition().catch(() => undefined);
        this.start();
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
  }

  async refreshPosition(): Promise<void> {
    const state = await readProjectionState(this.db, this.projection.name);
    if (!state) return;
    if (state.suffix !== this.suffix) {
      this.suffix = state.suffix;
      this.tables = physicalNames(this.projection, state.suffix);
      this.position = state.position;
    } else if (state.position > this.position) {
      this.position = state.position;
    }
  }

  private async handle(events: StoredEvent[], last: number): Promise<void> {
    const applied = await this.db.transaction(async (tx) => {
      const state = await readProjectionState(tx, this.projection.name, true);
      if (!state || state.suffix !== this.suffix || state.position !== this.position) return false;
      for (const event of events) await this.projection.apply(tx, event, this.tables);
      await tx.query('UPDATE projection_state SET position = $2, updated_at = now() WHERE name = $1', [
        this.projection.name,
        last,
      ]);
      return true;
    });
    if (!applied) throw new CheckpointMoved();
    this.position = last;
    this.announce({ projection: this.projection.name, position: last, events });
  }
}
