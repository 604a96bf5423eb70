import type { SqlExecutor } from '../../application/ports/database.port.js';
import type { ProjectRow } from '../../application/ports/read-models.port.js';

const COLUMNS = `id, owner_id, title, description, genre, target_episodes, target_duration_sec, status,
  version::int AS version, created_at, updated_at`;

const normalise = (row: ProjectRow): ProjectRow => ({
  ...row,
  version: Number(row.version),
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

export async function findProject(sql: SqlExecutor, id: string): Promise<ProjectRow | null> {
  const rows = await sql.query<ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE id = $1`, [id]);
  return rows[0] ? normalise(rows[0]) : null;
}

export async function listProjects(
  sql: SqlExecutor,
  ownerId: string,
  page: number,
  pageSize: number,
): Promise<{ items: ProjectRow[]; total: number }> {
  const [items, count] = await Promise.all([
    sql.query<ProjectRow>(
      `SELECT ${COLUMNS} FROM projects WHERE owner_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [ownerId, pageSize, (page - 1) * pageSize],
    ),
    sql.query<{ total: string }>('SELECT count(*) AS total FROM projects WHERE owner_id = $1', [ownerId]),
  ]);
  return { items: items.map(normalise), total: Number(count[0]?.total ?? 0) };
}
