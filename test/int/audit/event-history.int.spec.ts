import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectsProjection } from '../../../src/projections/projects/projects.projection.js';
import type { Database } from '../../../src/application/ports/database.port.js';
import type { HistoryFilter } from '../../../src/application/ports/event-history.port.js';
import { migrate } from '../../../src/infrastructure/database/migrations.js';
import { eventStoreMigrations } from '../../../src/infrastructure/event-store/sql-event-store.schema.js';
import {
  eventHistoryMigrations,
  SqlEventHistory,
} from '../../../src/infrastructure/event-store/sql.event-history.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { StoreEventHistory } from '../../../src/infrastructure/event-store/store.event-history.js';
import { ProjectionRunner } from '../../../src/infrastructure/projections/projection-runner.js';
import { projectionStateMigrations } from '../../../src/infrastructure/projections/projection-state.js';
import { openTestDatabase } from '../../support/databases.js';
import { newEvent } from '../../support/events.js';
import { testLogger } from '../../support/logger.js';

/** The store-based history (used with KurrentDB) must answer exactly as the SQL one does. */
describe('event history adapters agree on postgres', () => {
  let db: Database;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  const projectId = randomUUID();
  const dramaId = randomUUID();
  const taskId = randomUUID();
  const secondDramaId = randomUUID();

  beforeAll(async () => {
    ({ db } = await openTestDatabase('postgres'));
    await migrate(db, [...eventStoreMigrations, ...eventHistoryMigrations, ...projectionStateMigrations]);
    store = new SqlEventStore(db, { idlePollMs: 50 });
    runner = new ProjectionRunner(db, store, [projectsProjection], testLogger());
    await runner.start();
    const created = {
      projectId,
      ownerId: randomUUID(),
      title: 't',
      description: 'd',
      genre: 'g',
      targetEpisodes: 1,
      targetDurationSec: 60,
      createdAt: new Date().toISOString(),
    };
    const requested = (id: string, kind: string) =>
      newEvent('DramaRequested', {
        dramaId: id,
        projectId,
        ownerId: created.ownerId,
        kind,
        request: {},
        requestedAt: '',
      });
    await store.appendToStream(`project-${projectId}`, [newEvent('ProjectCreated', created)]);
    await store.appendToStream(`drama-${dramaId}`, [requested(dramaId, 'drama')]);
    await store.appendToStream(`project-${projectId}`, [
      newEvent('ProjectUpdated', { projectId, changes: { title: 'u' }, updatedAt: new Date().toISOString() }),
    ]);
    await store.appendToStream(`videotask-${taskId}`, [requested(taskId, 'single_video')]);
    await store.appendToStream(`drama-${dramaId}`, [newEvent('JobScheduled'), newEvent('JobStarted')]);
    await store.appendToStream(`webhook-${dramaId}`, [newEvent('WebhookDelivered')]);
    await store.appendToStream(`drama-${secondDramaId}`, [requested(secondDramaId, 'drama')]);
    // Another project's stream: not part of this history.
    const otherId = randomUUID();
    await store.appendToStream(`project-${otherId}`, [
      newEvent('ProjectCreated', { ...created, projectId: otherId }),
    ]);
    await store.appendToStream(`videotask-${taskId}`, [newEvent('DramaCompleted')]);
    expect(await runner.waitFor('projects', await store.headPosition(), 10_000)).toBe(true);
  });

  afterAll(async () => {
    await runner.stop();
    await store.close();
    await db.close();
  });

  it('finds the same streams and the same events for every filter and page', async () => {
    const sql = new SqlEventHistory(db);
    const generic = new StoreEventHistory(store, db);
    const streams = await sql.projectStreams(projectId);
    expect(await generic.projectStreams(projectId)).toEqual(streams);
    expect(streams.map((s) => s.kind)).toEqual([
      'project',
      'drama',
      'webhook',
      'videotask',
      'webhook',
      'drama',
      'webhook',
    ]);
    const ids = streams.map((s) => s.streamId);
    const everything = await sql.read(ids, {});
    expect(everything.events.map((e) => e.type)).toEqual([
      'ProjectCreated',
      'DramaRequested',
      'ProjectUpdated',
      'DramaRequested',
      'JobScheduled',
      'JobStarted',
      'WebhookDelivered',
      'DramaRequested',
      'DramaCompleted',
    ]);
    const at = everything.events[3]!;
    const filters: HistoryFilter[] = [
      {},
      { types: ['DramaRequested', 'WebhookDelivered'] },
      { fromPosition: at.globalPosition, toPosition: at.globalPosition + 2 },
      { to: at.recordedAt },
      { from: at.recordedAt },
    ];
    for (const filter of filters) {
      expect(await generic.read(ids, filter)).toEqual(await sql.read(ids, filter));
      expect(await generic.read(ids, filter, { offset: 2, limit: 3 })).toEqual(
        await sql.read(ids, filter, { offset: 2, limit: 3 }),
      );
    }
  });
});
