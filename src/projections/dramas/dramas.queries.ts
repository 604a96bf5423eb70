import type { SqlExecutor } from '../../application/ports/database.port.js';
import type { DramaRow } from '../../application/ports/read-models.port.js';
import { summarizeDrama } from '../../domain/drama/drama.progress.js';
import type { ActiveDrama } from '../../domain/drama/drama.state.js';
import { castOf } from '../../domain/drama/drama.cast.js';

const COLUMNS = `id, stream_id, kind, project_id, owner_id, status, stage, progress, stages, episodes, result, error,
  notes, cast_members AS cast, started_at, created_at, updated_at`;

const normalise = (row: DramaRow): DramaRow => ({
  ...row,
  started_at: row.started_at ? new Date(row.started_at).toISOString() : null,
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

/** A drama or task the API serves: none once its project was deleted. */
export async function findDrama(sql: SqlExecutor, id: string): Promise<DramaRow | null> {
  const rows = await sql.query<DramaRow>(`SELECT ${COLUMNS} FROM dramas WHERE id = $1 AND NOT withdrawn`, [
    id,
  ]);
  return rows[0] ? normalise(rows[0]) : null;
}

export async function listProjectDramas(sql: SqlExecutor, projectId: string): Promise<DramaRow[]> {
  const rows = await sql.query<DramaRow>(
    `SELECT ${COLUMNS} FROM dramas WHERE project_id = $1 ORDER BY created_at DESC`,
    [projectId],
  );
  return rows.map(normalise);
}

/** Streams of dramas and tasks that may still have work to do. */
export async function liveDramaStreams(sql: SqlExecutor): Promise<string[]> {
  const rows = await sql.query<{ stream_id: string }>(
    `SELECT stream_id FROM dramas WHERE status IN ('pending', 'running', 'paused') ORDER BY created_at`,
  );
  return rows.map((r) => r.stream_id);
}

/** The summary columns of a drama's row for this state, as the projection writes them. */
export function dramaRowFields(state: ActiveDrama, streamId: string): DramaRow {
  const summary = summarizeDrama(state);
  return {
    id: state.dramaId,
    stream_id: streamId,
    kind: state.kind,
    project_id: state.projectId,
    owner_id: state.ownerId,
    status: summary.status,
    stage: summary.stage,
    progress: summary.progress,
    stages: summary.stages,
    episodes: summary.episodes,
    result: summary.result,
    error: summary.error,
    notes: summary.notes,
    cast: castOf(state)?.characters ?? [],
    started_at: summary.startedAt,
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}

/** The row the projection would hold for this state: used to rebuild a past view and to check for drift. */
export function toDramaRow(state: ActiveDrama, streamId: string): DramaRow {
  return normalise(dramaRowFields(state, streamId));
}
