import type { SqlExecutor } from '../../application/ports/database.port.js';
import type { SceneRow } from '../../application/ports/read-models.port.js';

/** The project's current scenes: its hand-made ones and those of its newest script, in story order. */
export async function listScenes(sql: SqlExecutor, projectId: string): Promise<SceneRow[]> {
  const rows = await sql.query<SceneRow>(
    `SELECT id, project_id, drama_id, source, episode, number, title, location, time_of_day, description, characters,
            dialogue, actions, visual_prompt, duration_sec, image_key, video_key, created_at, updated_at
       FROM scenes WHERE project_id = $1 AND NOT superseded
      ORDER BY episode, number, source, created_at`,
    [projectId],
  );
  return rows.map((r) => ({
    ...r,
    duration_sec: Number(r.duration_sec),
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  }));
}

export async function findScene(sql: SqlExecutor, sceneId: string): Promise<SceneRow | null> {
  const rows = await sql.query<SceneRow>('SELECT * FROM scenes WHERE id = $1', [sceneId]);
  return rows[0] ?? null;
}
