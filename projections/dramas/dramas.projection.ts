import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection } from '../../src/application/ports/projection.port.js';
import { DRAMA_EVENT_TYPES, type DramaEvent } from '../../src/domain/drama/drama.events.js';
import { summarizeDrama } from '../../src/domain/drama/drama.progress.js';
import { type DramaState, evolveDrama } from '../../src/domain/drama/drama.state.js';

type Tables = 'dramas';

/**
 * The stored state leaves out the script's text (the scenes read model has it, the event store has
 * all of it): it is the bulk of the row and would be parsed and rewritten on every job event.
 */
function slim(state: DramaState): DramaState {
  if (state.status === 'empty') return state;
  const record = state.outputs['script:drama'];
  if (record?.output.stage !== 'script' || record.output.script.episodes.length === 0) return state;
  const output = { ...record.output, script: { ...record.output.script, episodes: [], characters: [] } };
  return { ...state, outputs: { ...state.outputs, 'script:drama': { ...record, output } } };
}

/**
 * One row per drama or video task: the folded state (the domain's own evolve, so the read model and
 * the write side can never disagree) plus the summary columns the API serves.
 */
export const dramasProjection: Projection<Tables> = {
  name: 'dramas',
  version: 1,
  tables: ['dramas'],
  eventTypes: DRAMA_EVENT_TYPES,

  async createTables(tx, t) {
    await tx.query(`CREATE TABLE ${t.dramas} (
      id uuid PRIMARY KEY,
      stream_id text NOT NULL UNIQUE,
      kind text NOT NULL,
      project_id uuid NOT NULL,
      owner_id uuid NOT NULL,
      status text NOT NULL,
      stage text,
      progress int NOT NULL,
      stages jsonb NOT NULL,
      episodes jsonb NOT NULL,
      result jsonb,
      error text,
      notes jsonb NOT NULL,
      state jsonb NOT NULL,
      started_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      last_position bigint NOT NULL
    )`);
    await tx.query(`CREATE INDEX ${t.dramas}_project_idx ON ${t.dramas} (project_id, created_at DESC)`);
    await tx.query(
      `CREATE INDEX ${t.dramas}_live_idx ON ${t.dramas} (status) WHERE status IN ('pending', 'running', 'paused')`,
    );
  },

  async applyBatch(tx, events, t) {
    const streams = new Map<string, StoredEvent[]>();
    for (const event of events) {
      const list = streams.get(event.streamId);
      if (list) list.push(event);
      else streams.set(event.streamId, [event]);
    }
    const rows = await tx.query<{ stream_id: string; state: DramaState; last_position: string }>(
      `SELECT stream_id, state, last_position FROM ${t.dramas} WHERE stream_id = ANY ($1::text[])`,
      [[...streams.keys()]],
    );
    const existing = new Map(rows.map((r) => [r.stream_id, r]));
    const records: Record<string, unknown>[] = [];
    for (const [streamId, list] of streams) {
      const row = existing.get(streamId);
      let state: DramaState = row?.state ?? { status: 'empty' };
      let last = row ? Number(row.last_position) : 0;
      for (const stored of list) {
        if (stored.globalPosition <= last) continue;
        const next = slim(evolveDrama(state, { type: stored.type, data: stored.data } as DramaEvent));
        if (next.status === 'empty') continue;
        state = next;
        last = stored.globalPosition;
      }
      if (state.status === 'empty' || (row && last === Number(row.last_position))) continue;
      const summary = summarizeDrama(state);
      records.push({
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
        state,
        started_at: summary.startedAt,
        created_at: state.createdAt,
        updated_at: state.updatedAt,
        last_position: last,
      });
    }
    if (records.length === 0) return;
    await tx.query(
      `INSERT INTO ${t.dramas} (id, stream_id, kind, project_id, owner_id, status, stage, progress, stages, episodes,
         result, error, notes, state, started_at, created_at, updated_at, last_position)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (id uuid, stream_id text, kind text, project_id uuid,
         owner_id uuid, status text, stage text, progress int, stages jsonb, episodes jsonb, result jsonb, error text,
         notes jsonb, state jsonb, started_at timestamptz, created_at timestamptz, updated_at timestamptz,
         last_position bigint)
       ON CONFLICT (stream_id) DO UPDATE SET status = EXCLUDED.status, stage = EXCLUDED.stage,
         progress = EXCLUDED.progress, stages = EXCLUDED.stages, episodes = EXCLUDED.episodes,
         result = EXCLUDED.result, error = EXCLUDED.error, notes = EXCLUDED.notes, state = EXCLUDED.state,
         started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at, last_position = EXCLUDED.last_position`,
      [JSON.stringify(records)],
    );
  },

  async apply(tx, stored: StoredEvent, t) {
    const event = { type: stored.type, data: stored.data } as DramaEvent;
    const rows = await tx.query<{ state: DramaState; last_position: string }>(
      `SELECT state, last_position FROM ${t.dramas} WHERE stream_id = $1`,
      [stored.streamId],
    );
    const row = rows[0];
    if (row && Number(row.last_position) >= stored.globalPosition) return;
    const state = slim(evolveDrama(row?.state ?? { status: 'empty' }, event));
    if (state.status === 'empty') return;
    const summary = summarizeDrama(state);
    const values = [
      summary.status,
      summary.stage,
      summary.progress,
      JSON.stringify(summary.stages),
      JSON.stringify(summary.episodes),
      summary.result ? JSON.stringify(summary.result) : null,
      summary.error,
      JSON.stringify(summary.notes),
      JSON.stringify(state),
      summary.startedAt,
      state.updatedAt,
      stored.globalPosition,
    ];
    if (!row) {
      await tx.query(
        `INSERT INTO ${t.dramas} (status, stage, progress, stages, episodes, result, error, notes, state, started_at,
           updated_at, last_position, id, stream_id, kind, project_id, owner_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          ...values,
          state.dramaId,
          stored.streamId,
          state.kind,
          state.projectId,
          state.ownerId,
          state.createdAt,
        ],
      );
      return;
    }
    await tx.query(
      `UPDATE ${t.dramas} SET status = $1, stage = $2, progress = $3, stages = $4, episodes = $5, result = $6,
         error = $7, notes = $8, state = $9, started_at = $10, updated_at = $11, last_position = $12
       WHERE stream_id = $13`,
      [...values, stored.streamId],
    );
  },
};
