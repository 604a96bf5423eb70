import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection } from '../../src/application/ports/projection.port.js';
import type { ProjectEvent } from '../../src/domain/project/project.events.js';

type Tables = 'projects';

/** Read model behind GET /projects and GET /projects/:id. Deleted projects leave the table. */
export const projectsProjection: Projection<Tables> = {
  name: 'projects',
  version: 1,
  tables: ['projects'],
  eventTypes: ['ProjectCreated', 'ProjectUpdated', 'ProjectDeleted'],

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
  },

  async apply(tx, stored: StoredEvent, t) {
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
      default:
        return;
    }
  },
};
