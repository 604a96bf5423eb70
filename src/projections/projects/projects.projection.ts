import type { SqlExecutor } from '../../application/ports/database.port.js';
import type { StoredEvent } from '../../application/ports/event-store.port.js';
import type { Projection, TableNames } from '../../application/ports/projection.port.js';
import type { ProjectRow as ProjectView } from '../../application/ports/read-models.port.js';
import type { DramaEvent } from '../../domain/drama/drama.events.js';
import type { ProjectEvent } from '../../domain/project/project.events.js';
import { DRAMA_STATUS } from '../../domain/project/project.status.js';
import { type Decoded, readEvents } from '../shared/read-event.js';

type Tables = 'projects' | 'project_dramas';

/** A stored row: what queries read, plus the position of the last event folded into it. */
interface ProjectRow extends ProjectView {
  last_position: number;
}

interface DramaLink {
  stream_id: string;
  project_id: string;
  kind: string;
  requested_position: number;
}

const PROJECT_COLUMNS = `id uuid, owner_id uuid, title text, description text, genre text, target_episodes int,
  target_duration_sec int, status text, version bigint, last_position bigint, created_at timestamptz,
  updated_at timestamptz`;

/**
 * The batch's rows, loaded once: the projects it names (directly or through a drama), the dramas its
 * status events belong to, and each project's newest drama position. Folded in memory, written once.
 */
class ProjectsBatch {
  /** Present row, or null once deleted (or never there). */
  readonly projects = new Map<string, ProjectRow | null>();
  readonly dramas = new Map<string, DramaLink>();
  readonly newest = new Map<string, number>();
  readonly dirty = new Set<string>();
  readonly deleted = new Set<string>();
  readonly newDramas: DramaLink[] = [];

  static async load(
    tx: SqlExecutor,
    events: readonly Decoded[],
    t: TableNames<Tables>,
  ): Promise<ProjectsBatch> {
    const batch = new ProjectsBatch();
    const requested = new Set<string>();
    const statusStreams = new Set<string>();
    const projectIds = new Set<string>();
    for (const { kind, stored, event } of events) {
      if (kind === 'project') {
        projectIds.add(event.data.projectId);
      } else if (event.type === 'DramaRequested') {
        requested.add(stored.streamId);
        projectIds.add(event.data.projectId);
      } else if (DRAMA_STATUS[event.type]) {
        if (!requested.has(stored.streamId)) statusStreams.add(stored.streamId);
      }
    }
    // A drama requested earlier in the batch may also be in the table (a replayed event): the table wins.
    const lookups = [...new Set([...statusStreams, ...requested])];
    if (lookups.length > 0) {
      const links = await tx.query<DramaLink>(
        `SELECT stream_id, project_id, kind, requested_position FROM ${t.project_dramas}
          WHERE stream_id = ANY ($1::text[])`,
        [lookups],
      );
      for (const link of links) {
        batch.dramas.set(link.stream_id, { ...link, requested_position: Number(link.requested_position) });
        projectIds.add(link.project_id);
      }
    }
    const ids = [...projectIds];
    if (ids.length === 0) return batch;
    for (const id of ids) batch.projects.set(id, null);
    const rows = await tx.query<ProjectRow>(`SELECT * FROM ${t.projects} WHERE id = ANY ($1::uuid[])`, [ids]);
    for (const row of rows) {
      batch.projects.set(row.id, {
        ...row,
        version: Number(row.version),
        last_position: Number(row.last_position),
      });
    }
    const newest = await tx.query<{ project_id: string; position: string | number }>(
      `SELECT project_id, max(requested_position) AS position FROM ${t.project_dramas}
        WHERE project_id = ANY ($1::uuid[]) AND kind <> 'single_video' GROUP BY project_id`,
      [ids],
    );
    for (const row of newest) batch.newest.set(row.project_id, Number(row.position));
    return batch;
  }

  private row(id: string): ProjectRow | null {
    return this.projects.get(id) ?? null;
  }

  private touch(id: string, row: ProjectRow): void {
    this.projects.set(id, row);
    this.dirty.add(id);
  }

  apply({ kind, stored, event }: Decoded): void {
    if (kind === 'drama') this.applyDrama(stored, event);
    else this.applyProject(stored, event);
  }

  private applyDrama(stored: StoredEvent, event: DramaEvent): void {
    if (event.type === 'DramaRequested') {
      const d = event.data;
      if (!this.dramas.has(stored.streamId)) {
        const link = {
          stream_id: stored.streamId,
          project_id: d.projectId,
          kind: d.kind,
          requested_position: stored.globalPosition,
        };
        this.dramas.set(stored.streamId, link);
        this.newDramas.push(link);
        if (d.kind !== 'single_video') {
          this.newest.set(d.projectId, Math.max(this.newest.get(d.projectId) ?? 0, stored.globalPosition));
        }
      }
      if (d.kind === 'single_video') return;
      const row = this.row(d.projectId);
      if (row) this.touch(row.id, { ...row, status: 'generating' });
      return;
    }
    const dramaStatus = DRAMA_STATUS[event.type];
    if (dramaStatus) {
      // Only the project's newest drama decides its status; a video task never does.
      const link = this.dramas.get(stored.streamId);
      if (!link || link.kind === 'single_video') return;
      if (this.newest.get(link.project_id) !== link.requested_position) return;
      const row = this.row(link.project_id);
      if (!row) return;
      const status = link.kind === 'script_only' && dramaStatus === 'completed' ? 'scripted' : dramaStatus;
      this.touch(row.id, { ...row, status });
    }
  }

  private applyProject(stored: StoredEvent, event: ProjectEvent): void {
    switch (event.type) {
      case 'ProjectCreated': {
        const d = event.data;
        if (this.row(d.projectId)) return;
        this.touch(d.projectId, {
          id: d.projectId,
          owner_id: d.ownerId,
          title: d.title,
          description: d.description,
          genre: d.genre,
          target_episodes: d.targetEpisodes,
          target_duration_sec: d.targetDurationSec,
          status: 'draft',
          version: stored.streamVersion,
          last_position: stored.globalPosition,
          created_at: d.createdAt,
          updated_at: d.createdAt,
        });
        return;
      }
      case 'ProjectUpdated': {
        const row = this.row(event.data.projectId);
        if (!row || row.last_position >= stored.globalPosition) return;
        const c = event.data.changes;
        this.touch(row.id, {
          ...row,
          title: c.title ?? row.title,
          description: c.description ?? row.description,
          genre: c.genre ?? row.genre,
          target_episodes: c.targetEpisodes ?? row.target_episodes,
          target_duration_sec: c.targetDurationSec ?? row.target_duration_sec,
          version: stored.streamVersion,
          last_position: stored.globalPosition,
          updated_at: event.data.updatedAt,
        });
        return;
      }
      case 'ProjectDeleted':
        this.projects.set(event.data.projectId, null);
        this.dirty.delete(event.data.projectId);
        this.deleted.add(event.data.projectId);
        return;
      case 'SceneAdded': {
        const row = this.row(event.data.projectId);
        if (!row || row.last_position >= stored.globalPosition) return;
        this.touch(row.id, {
          ...row,
          version: stored.streamVersion,
          last_position: stored.globalPosition,
          updated_at: event.data.addedAt,
        });
        return;
      }
      default:
        return;
    }
  }

  async write(tx: SqlExecutor, t: TableNames<Tables>): Promise<void> {
    if (this.deleted.size > 0) {
      await tx.query(`DELETE FROM ${t.projects} WHERE id = ANY ($1::uuid[])`, [[...this.deleted]]);
    }
    const rows = [...this.dirty].map((id) => this.projects.get(id)).filter((row) => row != null);
    if (rows.length > 0) {
      await tx.query(
        `INSERT INTO ${t.projects} SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (${PROJECT_COLUMNS})
         ON CONFLICT (id) DO UPDATE SET owner_id = EXCLUDED.owner_id, title = EXCLUDED.title,
           description = EXCLUDED.description, genre = EXCLUDED.genre, target_episodes = EXCLUDED.target_episodes,
           target_duration_sec = EXCLUDED.target_duration_sec, status = EXCLUDED.status, version = EXCLUDED.version,
           last_position = EXCLUDED.last_position, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        [JSON.stringify(rows)],
      );
    }
    if (this.newDramas.length > 0) {
      await tx.query(
        `INSERT INTO ${t.project_dramas} (stream_id, project_id, kind, requested_position)
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS x (stream_id text, project_id uuid, kind text, requested_position bigint)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(this.newDramas)],
      );
    }
  }
}

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
    // The newest drama of a project is asked for on every batch with a drama status event.
    await tx.query(
      `CREATE INDEX ${t.project_dramas}_project_idx ON ${t.project_dramas} (project_id, requested_position)`,
    );
  },

  /** A few statements per batch: three reads of the rows it touches, one delete, two multi-row upserts. */
  async applyBatch(tx, events, t) {
    const decoded = readEvents(events);
    const batch = await ProjectsBatch.load(tx, decoded, t);
    for (const event of decoded) batch.apply(event);
    await batch.write(tx, t);
  },
};
