import type { SqlExecutor } from '../../application/ports/database.port.js';
import type { Projection, TableNames } from '../../application/ports/projection.port.js';
import type { StageCompleted } from '../../domain/drama/drama.events.js';
import { dramaIdOf } from '../../domain/drama/drama.streams.js';
import { type Decoded, readEvents } from '../shared/read-event.js';
import type { SceneRow as SceneView } from '../../application/ports/read-models.port.js';
import { isUuid } from '../../domain/shared/ids.js';

type Tables = 'scenes' | 'scene_dramas';

/** A stored row: what queries read, plus whether a newer script replaced it. */
interface SceneRow extends SceneView {
  superseded: boolean;
}

const SCENE_COLUMNS = `id uuid, project_id uuid, drama_id uuid, source text, episode int, number int, title text,
  location text, time_of_day text, description text, characters jsonb, dialogue jsonb, actions jsonb,
  visual_prompt text, duration_sec real, image_key text, video_key text, superseded boolean,
  created_at timestamptz, updated_at timestamptz`;

const scriptOf = ({ event }: Decoded) => {
  if (event.type !== 'StageCompleted') return null;
  return event.data.output.stage === 'script' ? event.data.output : null;
};

/** The batch's scene rows, loaded once, folded in memory in log order, written once. */
class ScenesBatch {
  readonly scenes = new Map<string, SceneRow>();
  readonly dramas = new Map<string, { project_id: string; kind: string }>();
  readonly newDramas: { drama_id: string; project_id: string; kind: string }[] = [];
  readonly dirty = new Set<string>();

  static async load(
    tx: SqlExecutor,
    events: readonly Decoded[],
    t: TableNames<Tables>,
  ): Promise<ScenesBatch> {
    const batch = new ScenesBatch();
    const sceneIds = new Set<string>();
    const scriptDramas = new Set<string>();
    for (const decoded of events) {
      const { stored, event } = decoded;
      if (event.type === 'SceneAdded') sceneIds.add(event.data.sceneId);
      else if (event.type === 'StageCompleted') {
        const d = event.data;
        const script = scriptOf(decoded);
        if (script) {
          scriptDramas.add(dramaIdOf(stored.streamId));
          for (const ref of script.scenes) sceneIds.add(ref.sceneId);
        } else if ((d.output.stage === 'images' || d.output.stage === 'video') && isUuid(d.target)) {
          sceneIds.add(d.target.toLowerCase());
        }
      }
    }
    // The table wins over a DramaRequested of the batch (ON CONFLICT DO NOTHING, event by event).
    const projects = new Set<string>();
    if (scriptDramas.size > 0) {
      const rows = await tx.query<{ drama_id: string; project_id: string; kind: string }>(
        `SELECT drama_id, project_id, kind FROM ${t.scene_dramas} WHERE drama_id = ANY ($1::uuid[])`,
        [[...scriptDramas]],
      );
      for (const row of rows) {
        batch.dramas.set(row.drama_id, { project_id: row.project_id, kind: row.kind });
      }
      for (const { event } of events) {
        if (event.type !== 'DramaRequested') continue;
        const d = event.data;
        if (scriptDramas.has(d.dramaId)) projects.add(batch.dramas.get(d.dramaId)?.project_id ?? d.projectId);
      }
      for (const row of rows) projects.add(row.project_id);
    }
    if (sceneIds.size > 0 || projects.size > 0) {
      const rows = await tx.query<SceneRow>(
        `SELECT * FROM ${t.scenes}
          WHERE id = ANY ($1::uuid[]) OR (project_id = ANY ($2::uuid[]) AND source = 'generated')`,
        [[...sceneIds], [...projects]],
      );
      for (const row of rows) batch.scenes.set(row.id, row);
    }
    return batch;
  }

  private touch(row: SceneRow): void {
    this.scenes.set(row.id, row);
    this.dirty.add(row.id);
  }

  apply({ stored, event }: Decoded): void {
    const at = stored.recordedAt;
    if (event.type === 'SceneAdded') {
      const d = event.data;
      if (this.scenes.has(d.sceneId)) return;
      this.touch({
        id: d.sceneId,
        project_id: d.projectId,
        drama_id: null,
        source: 'manual',
        episode: d.episode,
        number: d.number,
        title: d.title,
        location: d.location,
        time_of_day: null,
        description: d.description,
        characters: d.characters,
        dialogue: d.dialogue,
        actions: [],
        visual_prompt: null,
        duration_sec: d.durationSec,
        image_key: null,
        video_key: null,
        superseded: false,
        created_at: d.addedAt,
        updated_at: d.addedAt,
      });
      return;
    }
    if (event.type === 'DramaRequested') {
      const d = event.data;
      if (this.dramas.has(d.dramaId)) return;
      const link = { project_id: d.projectId, kind: d.kind };
      this.dramas.set(d.dramaId, link);
      this.newDramas.push({ drama_id: d.dramaId, ...link });
      return;
    }
    if (event.type !== 'StageCompleted') return;
    const d: StageCompleted['data'] = event.data;
    const output = d.output;
    if (output.stage === 'script') {
      const dramaId = dramaIdOf(stored.streamId);
      const projectId = this.dramas.get(dramaId)?.project_id;
      if (!projectId) return;
      // A newer script supersedes the generated scenes of every other drama of the project.
      for (const row of this.scenes.values()) {
        if (
          row.project_id === projectId &&
          row.source === 'generated' &&
          row.drama_id !== dramaId &&
          !row.superseded
        ) {
          this.touch({ ...row, superseded: true });
        }
      }
      const { script } = output;
      for (const ref of output.scenes) {
        const scene = script.episodes[ref.episode - 1]?.scenes[ref.number - 1];
        if (!scene) continue;
        const characters = script.characters
          .filter((c) => scene.characters.includes(c.name))
          .map(({ name, role, description }) => ({ name, role, description }));
        const written = {
          title: scene.title,
          location: scene.location,
          time_of_day: scene.time_of_day ?? null,
          description: scene.description,
          characters,
          dialogue: scene.dialogue,
          actions: scene.actions,
          visual_prompt: scene.visual_prompt ?? null,
          duration_sec: scene.duration_sec,
          superseded: false,
          updated_at: at,
        };
        const row = this.scenes.get(ref.sceneId);
        this.touch(
          row
            ? { ...row, ...written }
            : {
                id: ref.sceneId,
                project_id: projectId,
                drama_id: dramaId,
                source: 'generated',
                episode: ref.episode,
                number: ref.number,
                image_key: null,
                video_key: null,
                created_at: at,
                ...written,
              },
        );
      }
      return;
    }
    // A video task's target is not a scene id; a scene id is a UUID.
    if ((output.stage === 'images' || output.stage === 'video') && isUuid(d.target)) {
      const row = this.scenes.get(d.target.toLowerCase());
      if (!row) return;
      this.touch({
        ...row,
        [output.stage === 'images' ? 'image_key' : 'video_key']: output.key,
        updated_at: at,
      });
    }
  }

  async write(tx: SqlExecutor, t: TableNames<Tables>): Promise<void> {
    if (this.dirty.size > 0) {
      const rows = [...this.dirty].map((id) => this.scenes.get(id)!);
      await tx.query(
        `INSERT INTO ${t.scenes} SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (${SCENE_COLUMNS})
         ON CONFLICT (id) DO UPDATE SET project_id = EXCLUDED.project_id, drama_id = EXCLUDED.drama_id,
           source = EXCLUDED.source, episode = EXCLUDED.episode, number = EXCLUDED.number, title = EXCLUDED.title,
           location = EXCLUDED.location, time_of_day = EXCLUDED.time_of_day, description = EXCLUDED.description,
           characters = EXCLUDED.characters, dialogue = EXCLUDED.dialogue, actions = EXCLUDED.actions,
           visual_prompt = EXCLUDED.visual_prompt, duration_sec = EXCLUDED.duration_sec,
           image_key = EXCLUDED.image_key, video_key = EXCLUDED.video_key, superseded = EXCLUDED.superseded,
           created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        [JSON.stringify(rows)],
      );
    }
    if (this.newDramas.length > 0) {
      await tx.query(
        `INSERT INTO ${t.scene_dramas} (drama_id, project_id, kind)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (drama_id uuid, project_id uuid, kind text)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(this.newDramas)],
      );
    }
  }
}

/**
 * Scenes of a project: added by hand (SceneAdded), or written by the script stage of a drama. A newer
 * script supersedes the generated scenes of older ones; images and clips attach as they are made.
 */
export const scenesProjection: Projection<Tables> = {
  name: 'scenes',
  version: 1,
  tables: ['scenes', 'scene_dramas'],
  eventTypes: ['SceneAdded', 'DramaRequested', 'StageCompleted'],

  async createTables(tx, t) {
    await tx.query(`CREATE TABLE ${t.scenes} (
      id uuid PRIMARY KEY,
      project_id uuid NOT NULL,
      drama_id uuid,
      source text NOT NULL,
      episode int NOT NULL,
      number int NOT NULL,
      title text NOT NULL,
      location text NOT NULL,
      time_of_day text,
      description text NOT NULL,
      characters jsonb NOT NULL,
      dialogue jsonb NOT NULL,
      actions jsonb NOT NULL,
      visual_prompt text,
      duration_sec real NOT NULL,
      image_key text,
      video_key text,
      superseded boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await tx.query(`CREATE INDEX ${t.scenes}_project_idx ON ${t.scenes} (project_id, episode, number)`);
    await tx.query(
      `CREATE TABLE ${t.scene_dramas} (drama_id uuid PRIMARY KEY, project_id uuid NOT NULL, kind text NOT NULL)`,
    );
  },

  /**
   * A few statements per batch: two reads (the dramas its scripts belong to; the scenes it names plus
   * every generated scene of a project that gets a new script), one upsert of the scenes that changed,
   * one insert of new dramas.
   */
  async applyBatch(tx, events, t) {
    const decoded = readEvents(events);
    const batch = await ScenesBatch.load(tx, decoded, t);
    for (const event of decoded) batch.apply(event);
    await batch.write(tx, t);
  },
};
