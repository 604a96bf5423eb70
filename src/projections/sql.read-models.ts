import { randomBytes } from 'node:crypto';
import type { Database, SqlExecutor } from '../application/ports/database.port.js';
import type { StoredEvent } from '../application/ports/event-store.port.js';
import type { ReadModels, StoredRow } from '../application/ports/read-models.port.js';
import { findDrama, listProjectDramas, liveDramaStreams, toDramaRow } from './dramas/dramas.queries.js';
import { findProject, listProjects } from './projects/projects.queries.js';
import { scenesProjection } from './scenes/scenes.projection.js';
import { findScene, listScenes } from './scenes/scenes.queries.js';
import { projectUsage } from './usage/usage.queries.js';

const SCENE_COLUMNS = `id, project_id, drama_id, source, episode, number, title, location, time_of_day, description,
  characters, dialogue, actions, visual_prompt, duration_sec, image_key, video_key, superseded, created_at, updated_at`;

async function sceneRows(sql: SqlExecutor, table: string, projectId: string) {
  const rows = await sql.query<StoredRow & { id: string }>(
    `SELECT ${SCENE_COLUMNS} FROM ${table} WHERE project_id = $1 ORDER BY id`,
    [projectId],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

class Rollback extends Error {
  constructor(readonly rows: Map<string, StoredRow>) {
    super('rollback');
  }
}

/** The scenes projection replayed over these events alone, into scratch tables rolled back unseen. */
async function replayScenes(db: Database, events: readonly StoredEvent[], projectId: string) {
  const suffix = randomBytes(4).toString('hex');
  const tables = { scenes: `verify_scenes_${suffix}`, scene_dramas: `verify_scene_dramas_${suffix}` };
  const types = new Set(scenesProjection.eventTypes);
  try {
    await db.transaction(async (tx) => {
      await scenesProjection.createTables(tx, tables);
      const relevant = events.filter((event) => types.has(event.type));
      const byStream = (streamId: string) => Promise.resolve(events.filter((e) => e.streamId === streamId));
      await scenesProjection.applyBatch(tx, relevant, tables, { readStream: byStream, memo: new Map() });
      throw new Rollback(await sceneRows(tx, tables.scenes, projectId));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.rows;
    throw error;
  }
  return new Map<string, StoredRow>();
}

/** The read models on SQL: the queries over the projections' tables (views onto the live ones). */
export class SqlReadModels implements ReadModels {
  /** @param sql where queries run: the database, or a transaction of it (`within`). */
  constructor(
    private readonly db: Database,
    private readonly sql: SqlExecutor = db,
  ) {}

  readonly projects = {
    find: (id: string) => findProject(this.sql, id),
    listByOwner: (ownerId: string, page: number, pageSize: number) =>
      listProjects(this.sql, ownerId, page, pageSize),
  };

  readonly dramas = {
    find: (id: string) => findDrama(this.sql, id),
    listByProject: (projectId: string) => listProjectDramas(this.sql, projectId),
    liveStreams: () => liveDramaStreams(this.sql),
    rowFor: toDramaRow,
  };

  readonly scenes = {
    find: (id: string) => findScene(this.sql, id),
    listByProject: (projectId: string) => listScenes(this.sql, projectId),
    storedRows: (projectId: string) => sceneRows(this.sql, 'scenes', projectId),
    replayedRows: (events: readonly StoredEvent[], projectId: string) =>
      replayScenes(this.db, events, projectId),
  };

  readonly usage = { ofProject: (projectId: string) => projectUsage(this.sql, projectId) };

  within(tx: SqlExecutor): ReadModels {
    return new SqlReadModels(this.db, tx);
  }
}
