import type { StoredEvent } from '../../application/ports/event-store.port.js';
import type { Projection, ProjectionContext, TableNames } from '../../application/ports/projection.port.js';
import type { SqlExecutor } from '../../application/ports/database.port.js';
import { DRAMA_EVENT_TYPES } from '../../domain/drama/drama.events.js';
import { decodeDramaEvent } from '../../domain/drama/drama.streams.js';
import { type DramaState, foldDrama, isOpen } from '../../domain/drama/drama.state.js';
import { readEvents } from '../shared/read-event.js';
import { dramaRowFields } from './dramas.queries.js';

type Tables = 'dramas';

/**
 * The state kept between batches leaves out the script's text (the scenes read model has it, the event
 * store has all of it): it is the bulk of a drama's state, and the row's summary does not read it.
 */
function slim(state: DramaState): DramaState {
  if (state.status === 'empty') return state;
  const record = state.outputs['script:drama'];
  if (record?.output.stage !== 'script' || record.output.script.episodes.length === 0) return state;
  const output = { ...record.output, script: { ...record.output.script, episodes: [], characters: [] } };
  return { ...state, outputs: { ...state.outputs, 'script:drama': { ...record, output } } };
}

/** States kept between batches, per table (a rebuild's tables are not the live ones). */
const MEMO_ENTRIES = 2_000;

interface Folded {
  position: number;
  state: DramaState;
}

/**
 * The state a row was built from: the memo's, if it was folded up to exactly the row's position (a
 * stream's events up to a position fold to one state, whoever folded them), else folded again from the
 * stream in the log, up to that position.
 */
async function stateAt(
  tx: SqlExecutor,
  streamId: string,
  position: number,
  memo: Map<string, unknown>,
  key: string,
  context: ProjectionContext,
): Promise<DramaState> {
  const known = memo.get(key) as Folded | undefined;
  if (known?.position === position) return known.state;
  const events = await context.readStream(streamId, tx);
  const upTo = events.filter((stored) => stored.globalPosition <= position);
  return slim(foldDrama({ status: 'empty' }, upTo.map(decodeDramaEvent)));
}

/**
 * Folds each touched stream once per batch: one read of the rows' positions, one multi-row upsert of the
 * summary columns. The folded state itself lives in memory (and in the log), not in the row.
 */
async function applyDramaEvents(
  tx: SqlExecutor,
  events: readonly StoredEvent[],
  t: TableNames<Tables>,
  context: ProjectionContext,
): Promise<void> {
  const streams = new Map<string, StoredEvent[]>();
  const deletedProjects: string[] = [];
  for (const { kind, stored, event } of readEvents(events)) {
    if (kind === 'project') {
      if (event.type === 'ProjectDeleted') deletedProjects.push(event.data.projectId);
      continue;
    }
    const list = streams.get(stored.streamId);
    if (list) list.push(stored);
    else streams.set(stored.streamId, [stored]);
  }
  const rows = await tx.query<{ stream_id: string; last_position: string | number }>(
    `SELECT stream_id, last_position FROM ${t.dramas} WHERE stream_id = ANY ($1::text[])`,
    [[...streams.keys()]],
  );
  const positions = new Map(rows.map((r) => [r.stream_id, Number(r.last_position)]));
  const { memo } = context;
  const records: Record<string, unknown>[] = [];
  for (const [streamId, list] of streams) {
    const key = `${t.dramas}:${streamId}`;
    const stored = positions.get(streamId);
    // Events at or before the row's position were folded into it already (a batch applied twice).
    const fresh = stored === undefined ? list : list.filter((event) => event.globalPosition > stored);
    if (fresh.length === 0) continue;
    const before: DramaState =
      stored === undefined ? { status: 'empty' } : await stateAt(tx, streamId, stored, memo, key, context);
    const state = foldDrama(before, fresh.map(decodeDramaEvent));
    if (state.status === 'empty') continue;
    const last = fresh[fresh.length - 1]!.globalPosition;
    // Most recently folded last: the oldest entries are evicted first. A finished drama rarely hears
    // from again (a scene regeneration refolds it from the log): only open ones are worth the memory.
    memo.delete(key);
    if (isOpen(state)) memo.set(key, { position: last, state: slim(state) } satisfies Folded);
    const { cast, ...fields } = dramaRowFields(state, streamId);
    records.push({ ...fields, cast_members: cast, last_position: last });
  }
  while (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  if (records.length > 0) await upsert(tx, t, records);
  // After the upserts: a drama requested in the same batch as its project's deletion is withdrawn too.
  if (deletedProjects.length > 0) {
    await tx.query(`UPDATE ${t.dramas} SET withdrawn = true WHERE project_id = ANY ($1::uuid[])`, [
      deletedProjects,
    ]);
  }
}

async function upsert(tx: SqlExecutor, t: TableNames<Tables>, records: Record<string, unknown>[]) {
  await tx.query(
    `INSERT INTO ${t.dramas} (id, stream_id, kind, project_id, owner_id, status, stage, progress, stages, episodes,
       result, error, notes, cast_members, started_at, created_at, updated_at, last_position)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (id uuid, stream_id text, kind text, project_id uuid,
       owner_id uuid, status text, stage text, progress int, stages jsonb, episodes jsonb, result jsonb, error text,
       notes jsonb, cast_members jsonb, started_at timestamptz, created_at timestamptz, updated_at timestamptz,
       last_position bigint)
     ON CONFLICT (stream_id) DO UPDATE SET status = EXCLUDED.status, stage = EXCLUDED.stage,
       progress = EXCLUDED.progress, stages = EXCLUDED.stages, episodes = EXCLUDED.episodes,
       result = EXCLUDED.result, error = EXCLUDED.error, notes = EXCLUDED.notes,
       cast_members = EXCLUDED.cast_members,
       started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at, last_position = EXCLUDED.last_position`,
    [JSON.stringify(records)],
  );
}

/**
 * One row per drama or video task: the summary columns the API serves, from the domain's own evolve
 * (so the read model and the write side can never disagree). A deleted project's rows stay, withdrawn.
 */
export const dramasProjection: Projection<Tables> = {
  name: 'dramas',
  // 2: the folded state left the row (kept in memory, refolded from the log when cold).
  // 3: `withdrawn` — the project was deleted: its dramas and tasks are no longer served (their events stay).
  // 4: `cast_members` — the cast (names, descriptions, voices, portrait keys) for GET /dramas/:id.
  version: 4,
  tables: ['dramas'],
  eventTypes: [...DRAMA_EVENT_TYPES, 'ProjectDeleted'],

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
      cast_members jsonb NOT NULL DEFAULT '[]',
      started_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      last_position bigint NOT NULL,
      withdrawn boolean NOT NULL DEFAULT false
    )`);
    await tx.query(`CREATE INDEX ${t.dramas}_project_idx ON ${t.dramas} (project_id, created_at DESC)`);
    await tx.query(
      `CREATE INDEX ${t.dramas}_live_idx ON ${t.dramas} (status) WHERE status IN ('pending', 'running', 'paused')`,
    );
  },

  applyBatch: applyDramaEvents,
};
