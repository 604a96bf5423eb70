import type { StoredEvent } from '../../src/application/ports/event-store.port.js';
import type { Projection } from '../../src/application/ports/projection.port.js';
import type { DramaRequested, StageCompleted, StageFailed } from '../../src/domain/drama/drama.events.js';

type Tables = 'usage_entries' | 'usage_streams';

/** A video job's provider is "video+tts": speech characters belong to the second one. */
const providerFor = (provider: string, metric: string) => {
  const [video = provider, tts = provider] = provider.split('+');
  return metric === 'tts_characters' ? tts : video;
};

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

  async apply(tx, stored: StoredEvent, t) {
    if (stored.type === 'DramaRequested') {
      const d = stored.data as DramaRequested['data'];
      await tx.query(
        `INSERT INTO ${t.usage_streams} (stream_id, project_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [stored.streamId, d.projectId, d.kind],
      );
      return;
    }
    const d = stored.data as StageCompleted['data'] | StageFailed['data'];
    if (!d.usage) return;
    const owner = await tx.query<{ project_id: string }>(
      `SELECT project_id FROM ${t.usage_streams} WHERE stream_id = $1`,
      [stored.streamId],
    );
    const projectId = owner[0]?.project_id;
    if (!projectId) return;
    for (const [metric, amount] of Object.entries(d.usage)) {
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount === 0) continue;
      await tx.query(
        `INSERT INTO ${t.usage_entries} (event_id, metric, project_id, stream_id, stage, provider, amount, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [
          stored.id,
          metric,
          projectId,
          stored.streamId,
          d.stage,
          providerFor(d.provider, metric),
          amount,
          stored.recordedAt,
        ],
      );
    }
  },
};
