import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectsProjection } from '../../../src/projections/projects/projects.projection.js';
import type { Database } from '../../../src/application/ports/database.port.js';
import type { ProjectionContext } from '../../../src/application/ports/projection.port.js';
import { randomIds, systemClock } from '../../../src/application/ports/system.port.js';
import { handleCommand } from '../../../src/application/shared/command-handler.js';
import { projectStream } from '../../../src/domain/project/project.streams.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import { ProjectionRunner } from '../../../src/infrastructure/projections/projection-runner.js';
import {
  projectionStateMigrations,
  readProjectionState,
} from '../../../src/infrastructure/projections/projection-state.js';
import { DIALECTS, openTestDatabase } from '../../support/databases.js';
import { eventually, events, streamId } from '../../support/events.js';
import { countingProjection } from '../../support/counting-projection.js';
import { testLogger } from '../../support/logger.js';

const counting = countingProjection('applied_counts');

const projectRows = (db: Database) =>
  db.query(
    `SELECT id, owner_id, title, description, genre, target_episodes, target_duration_sec, status, version::int,
            created_at, updated_at FROM projects ORDER BY id`,
  );

describe.each(DIALECTS)('projection runner on %s', (dialect) => {
  let db: Database;
  let store: SqlEventStore;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    ({ db } = await openTestDatabase(dialect));
    await migrate(db, [...eventStoreMigrations, ...projectionStateMigrations]);
    store = new SqlEventStore(db, { idlePollMs: 50 });
    runner = new ProjectionRunner(db, store, [projectsProjection, counting], testLogger());
    await runner.start();

    const deps = { store, clock: systemClock, ids: randomIds };
    for (let i = 0; i < 30; i++) {
      const projectId = randomIds.uuid();
      const stream = projectStream.streamId(projectId);
      const now = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
      await handleCommand(deps, stream, projectStream, {
        type: 'CreateProject',
        data: {
          projectId,
          ownerId: randomIds.uuid(),
          title: `p${i}`,
          description: '',
          genre: '',
          targetEpisodes: 3,
          targetDurationSec: 60,
          now,
        },
      });
      if (i % 3 === 0) {
        const state = (await store.readStream(stream))[0]!.data as { ownerId: string };
        await handleCommand(deps, stream, projectStream, {
          type: 'UpdateProject',
          data: {
            projectId,
            actorId: state.ownerId,
            changes: { title: `renamed ${i}`, targetEpisodes: 9 },
            now,
          },
        });
        if (i % 2 === 0) {
          await handleCommand(deps, stream, projectStream, {
            type: 'DeleteProject',
            data: { projectId, actorId: state.ownerId, now },
          });
        }
      }
    }
    await store.appendToStream(streamId('ticks'), events(25, 'Tick'));
    expect(await runner.waitFor('projects', await store.headPosition(), 10_000)).toBe(true);
    expect(await runner.waitFor('applied_counts', await store.headPosition(), 10_000)).toBe(true);
  });

  afterAll(async () => {
    await runner?.stop();
    await store?.close();
    await db?.close();
  });

  it('projects the stream into rows and checkpoints the head', async () => {
    const rows = await projectRows(db);
    expect(rows).toHaveLength(25); // 30 created, 5 deleted
    expect(rows.filter((r) => String(r.title).startsWith('renamed'))).toHaveLength(5);
    const state = await readProjectionState(db, 'projects');
    expect(state!.position).toBe(await store.headPosition());
  });

  it('gives the same rows when every event is applied a second time', async () => {
    const before = await projectRows(db);
    const state = (await readProjectionState(db, 'projects'))!;
    const all = await store.readAll({ after: 0, maxCount: 10_000 });
    const tables = {
      projects: `projects__${state.suffix}`,
      project_dramas: `project_dramas__${state.suffix}`,
    };
    const relevant = all.filter((e) => projectsProjection.eventTypes.includes(e.type));
    const context: ProjectionContext = {
      readStream: (id, tx) => store.readStreamWith(tx, id),
      memo: new Map(),
    };
    // Once event by event, once as one batch.
    await db.transaction(async (tx) => {
      for (const event of relevant) await projectsProjection.applyBatch(tx, [event], tables, context);
    });
    expect(await projectRows(db)).toEqual(before);
    await db.transaction((tx) => projectsProjection.applyBatch(tx, relevant, tables, context));
    expect(await projectRows(db)).toEqual(before);
  });

  it('applies each event exactly once, even with a second runner on the same database', async () => {
    const second = new ProjectionRunner(db, store, [counting], testLogger());
    await second.start();
    try {
      await store.appendToStream(streamId('ticks'), events(40, 'Tick'));
      const head = await store.headPosition();
      expect(await runner.waitFor('applied_counts', head, 10_000)).toBe(true);
      await eventually(
        () => second.position('applied_counts') >= head,
        'second runner to see the checkpoint',
      );
      const counts = await db.query<{ times: number; n: string }>(
        'SELECT times, count(*) AS n FROM applied GROUP BY times',
      );
      expect(counts.map((c) => [c.times, Number(c.n)])).toEqual([[1, 65]]);
    } finally {
      await second.stop();
    }
  });

  it('rebuilds into new tables and swaps them in with identical rows', async () => {
    const before = await projectRows(db);
    const old = (await readProjectionState(db, 'projects'))!;
    const replayed = await runner.rebuild('projects');
    expect(replayed).toBeGreaterThan(0);
    const swapped = (await readProjectionState(db, 'projects'))!;
    expect(swapped.suffix).not.toBe(old.suffix);
    expect(await projectRows(db)).toEqual(before);
    const oldTable = await db.query(`SELECT to_regclass($1) AS t`, [`projects__${old.suffix}`]);
    expect(oldTable[0]!.t).toBeNull();
    // the live runner follows the swap: new events land in the new tables
    const deps = { store, clock: systemClock, ids: randomIds };
    const projectId = randomIds.uuid();
    const result = await handleCommand(deps, projectStream.streamId(projectId), projectStream, {
      type: 'CreateProject',
      data: {
        projectId,
        ownerId: randomIds.uuid(),
        title: 'after rebuild',
        description: '',
        genre: '',
        targetEpisodes: 1,
        targetDurationSec: 60,
        now: new Date().toISOString(),
      },
    });
    expect(await runner.waitFor('projects', result.lastPosition!, 10_000)).toBe(true);
    expect((await db.query('SELECT title FROM projects WHERE id = $1', [projectId]))[0]).toEqual({
      title: 'after rebuild',
    });
  });

  it('rebuilds a projection whose version changed when it starts', async () => {
    const before = await projectRows(db);
    await runner.stop();
    const v2 = { ...projectsProjection, version: 2 };
    runner = new ProjectionRunner(db, store, [v2, counting], testLogger());
    await runner.start();
    await eventually(
      async () => (await readProjectionState(db, 'projects'))!.version === 2,
      'version 2 to be swapped in',
    );
    expect(await projectRows(db)).toEqual(before);
  });
});
