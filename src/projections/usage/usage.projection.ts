import type { StoredEvent } from '../../application/ports/event-store.port.js';
import type { Projection, TableNames } from '../../application/ports/projection.port.js';
import type { SqlExecutor } from '../../application/ports/database.port.js';
import { readEvents } from '../shared/read-event.js';

type Tables = 'usage_entries' | 'usage_streams';

/** A video job's provider is "video+tts": speech characters belong to the second one. */
const providerFor = (provider: string, metric: string) => {
  const [video = provider, tts = provider] = provider.split('+');
  return metric === 'tts_characters' ? tts : video;
};

/** Records the usage of a batch of events in a few statements. */
async function applyUsageEvents(
  tx: SqlExecutor,
  events: readonly StoredEvent[],
  t: TableNames<Tables>,
): Promise<void> {
  const streams = new Map<string, { project_id: string; kind: string }>();
  const fresh: { stream_id: string; project_id: string; kind: string }[] = [];
  const decoded = readEvents(events);
  for (const { stored, event } of decoded) {
    if (event.type !== 'DramaRequested') continue;
    const d = event.data;
    if (streams.has(stored.streamId)) continue;
    streams.set(stored.streamId, { project_id: d.projectId, kind: d.kind });
    fresh.push({ stream_id: stored.streamId, project_id: d.projectId, kind: d.kind });
  }
  if (fresh.length > 0) {
    await tx.query(
      `INSERT INTO ${t.usage_streams} (stream_id, project_id, kind)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (stream_id text, project_id uuid, kind text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(fresh)],
    );
  }
  const withUsage = decoded.flatMap(({ stored, event }) =>
    (event.type === 'StageCompleted' || event.type === 'StageFailed') && event.data.usage
      ? [{ stored, d: event.data, usage: event.data.usage }]
      : [],
  );
  // The stored row wins over the batch's own DramaRequested, as it would event by event.
  const unknown = [...new Set(withUsage.map((e) => e.stored.streamId))];
  if (unknown.length > 0) {
    const rows = await tx.query<{ stream_id: string; project_id: string; kind: string }>(
      `SELECT stream_id, project_id, kind FROM ${t.usage_streams} WHERE stream_id = ANY ($1::text[])`,
      [unknown],
    );
    for (const row of rows) streams.set(row.stream_id, row);
  }
  const entries: Record<string, unknown>[] = [];
  for (const { stored, d, usage } of withUsage) {
    const projectId = streams.get(stored.streamId)?.project_id;
    if (!projectId) continue;
    for (const [metric, amount] of Object.entries(usage)) {
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount === 0) continue;
      entries.push({
        event_id: stored.id,
        metric,
        project_id: projectId,
        stream_id: stored.streamId,
        stage: d.stage,
        provider: providerFor(d.provider, metric),
        amount,
        recorded_at: stored.recordedAt,
      });
    }
  }
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO ${t.usage_entries} (event_id, metric, project_id, stream_id, stage, provider, amount, recorded_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (event_id uuid, metric text, project_id uuid, stream_id text,
       stage text, provider text, amount double precision, recorded_at timestamptz)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(entries)],
  );
}

/**
 * What generation consumed per project (LLM tokens, images, video seconds, TTS characters), from the
 * usage recorded on every job result, failed attempts included. One row per event and metric keeps it
 * idempotent.
 */
export const usageProjection: Projection<Tables> = {
  name: 'usage',
  version: 1,
  tables: ['usage_entries', 'usage_streams'],
  eventTypes: ['DramaRequested', 'StageCompleted', 'StageFailed'],

  async createTables(tx, t) {
    await tx.query(
      `CREATE TABLE ${t.usage_streams} (stream_id text PRIMARY KEY, project_id uuid NOT NULL, kind text NOT NULL)`,
    );
    await tx.query(`CREATE TABLE ${t.usage_entries} (
      event_id uuid NOT NULL,
      metric text NOT NULL,
      project_id uuid NOT NULL,
      stream_id text NOT NULL,
      stage text NOT NULL,
      provider text NOT NULL,
      amount double precision NOT NULL,
      recorded_at timestamptz NOT NULL,
      PRIMARY KEY (event_id, metric)
    )`);
    await tx.query(`CREATE INDEX ${t.usage_entries}_project_idx ON ${t.usage_entries} (project_id)`);
  },

  applyBatch: applyUsageEvents,
};
