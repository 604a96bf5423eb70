import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection } from '../../src/application/ports/projection.port.js';
import type { DramaRequested, StageCompleted } from '../../src/domain/drama/drama.events.js';
import type { SceneAdded } from '../../src/domain/project/project.events.js';

type Tables = 'scenes' | 'scene_dramas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  async apply(tx, stored: StoredEvent, t) {
    const at = stored.recordedAt;
    if (stored.type === 'SceneAdded') {
      const d = (stored as StoredEvent<SceneAdded['data']>).data;
      await tx.query(
        `INSERT INTO ${t.scenes} (id, project_id, drama_id, source, episode, number, title, location, time_of_day,
           description, characters, dialogue, actions, visual_prompt, duration_sec, created_at, updated_at)
         VALUES ($1, $2, NULL, 'manual', $3, $4, $5, $6, NULL, $7, $8, $9, '[]', NULL, $10, $11, $11)
         ON CONFLICT (id) DO NOTHING`,
        [
          d.sceneId,
          d.projectId,
          d.episode,
          d.number,
          d.title,
          d.location,
          d.description,
          JSON.stringify(d.characters),
          JSON.stringify(d.dialogue),
          d.durationSec,
          d.addedAt,
        ],
      );
      return;
    }
    if (stored.type === 'DramaRequested') {
      const d = (stored as StoredEvent<DramaRequested['data']>).data;
      await tx.query(
        `INSERT INTO ${t.scene_dramas} (drama_id, project_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [d.dramaId, d.projectId, d.kind],
      );
      return;
    }
    const d = (stored as StoredEvent<StageCompleted['data']>).data;
    const output = d.output;
    if (output.stage === 'script') {
      const dramaId = stored.streamId.slice('drama-'.length);
      const owner = await tx.query<{ project_id: string }>(
        `SELECT project_id FROM ${t.scene_dramas} WHERE drama_id = $1`,
        [dramaId],
      );
      const projectId = owner[0]?.project_id;
      if (!projectId) return;
      await tx.query(
        `UPDATE ${t.scenes} SET superseded = true WHERE project_id = $1 AND source = 'generated' AND drama_id <> $2`,
        [projectId, dramaId],
      );
      const { script } = output;
      for (const ref of output.scenes) {
        const scene = script.episodes[ref.episode - 1]?.scenes[ref.number - 1];
        if (!scene) continue;
        const characters = script.characters
          .filter((c) => scene.characters.includes(c.name))
          .map(({ name, role, description }) => ({ name, role, description }));
        await tx.query(
          `INSERT INTO ${t.scenes} (id, project_id, drama_id, source, episode, number, title, location, time_of_day,
             description, characters, dialogue, actions, visual_prompt, duration_sec, created_at, updated_at)
           VALUES ($1, $2, $3, 'generated', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
           ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, location = EXCLUDED.location,
             time_of_day = EXCLUDED.time_of_day, description = EXCLUDED.description, characters = EXCLUDED.characters,
             dialogue = EXCLUDED.dialogue, actions = EXCLUDED.actions, visual_prompt = EXCLUDED.visual_prompt,
             duration_sec = EXCLUDED.duration_sec, superseded = false, updated_at = EXCLUDED.updated_at`,
          [
            ref.sceneId,
            projectId,
            dramaId,
            ref.episode,
            ref.number,
            scene.title,
            scene.location,
            scene.time_of_day,
            scene.description,
            JSON.stringify(characters),
            JSON.stringify(scene.dialogue),
            JSON.stringify(scene.actions),
            scene.visual_prompt,
            scene.duration_sec,
            at,
          ],
        );
      }
      return;
    }
    // A video task's target is not a scene id; a scene id is a UUID, compared as one so the key is used.
    if ((output.stage === 'images' || output.stage === 'video') && UUID.test(d.target)) {
      const column = output.stage === 'images' ? 'image_key' : 'video_key';
      await tx.query(`UPDATE ${t.scenes} SET ${column} = $2, updated_at = $3 WHERE id = $1::uuid`, [
        d.target,
        output.key,
        at,
      ]);
    }
  },
};
