import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection } from '../../src/application/ports/projection.port.js';
import type { DramaRequested } from '../../src/domain/drama/drama.events.js';
import type { ProjectEvent } from '../../src/domain/project/project.events.js';

type Tables = 'projects' | 'project_dramas';

/** Project status follows its newest drama: generating → completed / failed / cancelled. */
export const DRAMA_STATUS: Record<string, string> = {
  DramaCompleted: 'completed',
  DramaFailed: 'failed',
  DramaCancelled: 'cancelled',
  DramaResumed: 'generating',
  SceneRegenerationRequested: 'generating',
};

/** Read model behind GET /projects and GET /projects/:id. Deleted projects leave the table. */
export const projectsProjection: Projection<Tables> = {
  name: 'projects',
  version: 1,
  tables: ['projects', 'project_dramas'],
  eventTypes: [
    'ProjectCreated',
    'ProjectUpdated',
    'ProjectDeleted',
    'SceneAdded',
    'DramaRequested',
    ...Object.keys(DRAMA_STATUS),
  ],

  async createTables(tx, t) {
    await tx.query(`CREATE TABLE ${t.projects} (
      id uuid PRIMARY KEY,
      owner_id uuid NOT NULL,
      title text NOT NULL,
      description text NOT NULL,
      genre text NOT NULL,
      target_episodes int NOT NULL,
      target_duration_sec int NOT NULL,
      status text NOT NULL,
      version bigint NOT NULL,
      last_position bigint NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await tx.query(`CREATE INDEX ${t.projects}_owner_idx ON ${t.projects} (owner_id, created_at DESC, id)`);
    await tx.query(`CREATE TABLE ${t.project_dramas} (
      stream_id text PRIMARY KEY,
      project_id uuid NOT NULL,
      kind text NOT NULL,
      requested_position bigint NOT NULL
    )`);
    // "Is this the project's newest drama?" is asked on every drama status event.
    await tx.query(
      `CREATE INDEX ${t.project_dramas}_project_idx ON ${t.project_dramas} (project_id, requested_position)`,
    );
  },

  async apply(tx, stored: StoredEvent, t) {
    if (stored.type === 'DramaRequested') {
      const d = stored.data as DramaRequested['data'];
      await tx.query(
        `INSERT INTO ${t.project_dramas} (stream_id, project_id, kind, requested_position) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [stored.streamId, d.projectId, d.kind, stored.globalPosition],
      );
      if (d.kind === 'single_video') return;
      await tx.query(`UPDATE ${t.projects} SET status = 'generating' WHERE id = $1`, [d.projectId]);
      return;
    }
    const dramaStatus = DRAMA_STATUS[stored.type];
    if (dramaStatus) {
      // Only the project's newest drama decides its status; a video task never does.
      await tx.query(
        `UPDATE ${t.projects} p SET status = CASE WHEN d.kind = 'script_only' AND $2 = 'completed' THEN 'scripted' ELSE $2 END
           FROM ${t.project_dramas} d
          WHERE d.stream_id = $1 AND p.id = d.project_id AND d.kind <> 'single_video'
            AND d.requested_position = (SELECT max(requested_position) FROM ${t.project_dramas} x
                                         WHERE x.project_id = d.project_id AND x.kind <> 'single_video')`,
        [stored.streamId, dramaStatus],
      );
      return;
    }
    const event = { type: stored.type, data: stored.data } as ProjectEvent;
    switch (event.type) {
      case 'ProjectCreated': {
        const d = event.data;
        await tx.query(
          `INSERT INTO ${t.projects} (id, owner_id, title, description, genre, target_episodes, target_duration_sec,
             status, version, last_position, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $10)
           ON CONFLICT (id) DO NOTHING`,
          [
            d.projectId,
            d.ownerId,
            d.title,
            d.description,
            d.genre,
            d.targetEpisodes,
            d.targetDurationSec,
            stored.streamVersion,
            stored.globalPosition,
            d.createdAt,
          ],
        );
        return;
      }
      case 'ProjectUpdated': {
        const c = event.data.changes;
        await tx.query(
          `UPDATE ${t.projects} SET
             title = COALESCE($2, title), description = COALESCE($3, description), genre = COALESCE($4, genre),
             target_episodes = COALESCE($5, target_episodes), target_duration_sec = COALESCE($6, target_duration_sec),
             version = $7, last_position = $8, updated_at = $9
           WHERE id = $1 AND last_position < $8`,
          [
            event.data.projectId,
            c.title ?? null,
            c.description ?? null,
            c.genre ?? null,
            c.targetEpisodes ?? null,
            c.targetDurationSec ?? null,
            stored.streamVersion,
            stored.globalPosition,
            event.data.updatedAt,
          ],
        );
        return;
      }
      case 'ProjectDeleted':
        await tx.query(`DELETE FROM ${t.projects} WHERE id = $1`, [event.data.projectId]);
        return;
      case 'SceneAdded':
        await tx.query(
          `UPDATE ${t.projects} SET version = $2, last_position = $3, updated_at = $4 WHERE id = $1 AND last_position < $3`,
          [event.data.projectId, stored.streamVersion, stored.globalPosition, event.data.addedAt],
        );
        return;
      default:
        return;
    }
  },
};
