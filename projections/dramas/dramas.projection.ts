import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection, TableNames } from '../../src/application/ports/projection.port.js';
import type { SqlExecutor } from '../../src/application/ports/database.port.js';
import { DRAMA_EVENT_TYPES, type DramaEvent } from '../../src/domain/drama/drama.events.js';
import { type DramaState, evolveDrama } from '../../src/domain/drama/drama.state.js';
import { dramaRowFields } from './dramas.queries.js';

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

/** Folds each touched stream once per batch: one read of their rows, one multi-row upsert. */
async function applyDramaEvents(
  tx: SqlExecutor,
  events: readonly StoredEvent[],
  t: TableNames<Tables>,
): Promise<void> {
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
    records.push({ ...dramaRowFields(state, streamId), state, last_position: last });
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

  applyBatch: applyDramaEvents,

  // One event is a batch of one, so the two paths can never leave different rows.
  apply: (tx, stored, t) => applyDramaEvents(tx, [stored], t),
};
