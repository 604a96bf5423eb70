import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dramasProjection } from '../../../src/projections/dramas/dramas.projection.js';
import { projectsProjection } from '../../../src/projections/projects/projects.projection.js';
import { scenesProjection } from '../../../src/projections/scenes/scenes.projection.js';
import { usageProjection } from '../../../src/projections/usage/usage.projection.js';
import type { NewEvent, StoredEvent } from '../../../src/application/ports/event-store.port.js';
import type { Projection, ProjectionContext } from '../../../src/application/ports/projection.port.js';
import { cloneStreams } from '../../../src/benchmarks/event-cloning.js';
import { type SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { physicalNames } from '../../../src/infrastructure/projections/projection-runner.js';
import { DIALECTS } from '../../support/databases.js';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';
import { ProjectorsModule } from '../../../src/modules/projectors.module.js';

const PROJECTIONS: Projection[] = [projectsProjection, dramasProjection, scenesProjection, usageProjection];
/** Copies of the whole history appended interleaved, event by event across streams. */
const COPIES = 3;

const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** A deterministic pseudo-random sequence (the batch sizes of a reference build). */
function lcg(seed: number) {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/**
 * Rebuild equality on a varied history made by the real pipeline: a full drama with a scene regenerated,
 * a paused and resumed one, a cancelled one, a project with a hand-added scene and two scripts (the
 * second supersedes the first) and a video task, a renamed project and a deleted one. Then copies of
 * all of it interleaved event by event, so batches cut every stream at every point. Every row of every
 * projection is compared between: the live tables (built by the running app in whatever batches the
 * log arrived), a build event by event with a cold memo (the dramas projection refolds each stream from
 * the log, as a second process would), a build in random batch sizes, and a full one-pass rebuild.
 */
describe.each(DIALECTS)('rebuild equality on %s', (dialect) => {
  let app: TestApp;
  let log: StoredEvent[];

  /** Every row of every table, table by table, in a stable order. */
  const rowsOf = async (tables: string[]) => {
    const result: Record<string, string[]> = {};
    for (const table of tables) {
      const rows = await app.db.query(`SELECT * FROM ${table}`);
      result[table.replace(/__.*$/, '')] = rows.map(sortedJson).sort();
    }
    return result;
  };
  const liveRows = () => rowsOf(PROJECTIONS.flatMap((p) => p.tables));

  const context = (): ProjectionContext => ({
    readStream: (streamId, tx) => (app.store as SqlEventStore).readStreamWith(tx, streamId),
    memo: new Map(),
  });

  /** Builds every projection into tables with `suffix`, in batches of `sizes()` events, from scratch. */
  const buildReference = async (suffix: string, sizes: () => number, coldMemo: boolean) => {
    const tables: string[] = [];
    for (const projection of PROJECTIONS) {
      const names = physicalNames(projection, suffix);
      tables.push(...Object.values(names));
      await app.db.transaction((tx) => projection.createTables(tx, names));
      const types = new Set(projection.eventTypes);
      const relevant = log.filter((e) => types.has(e.type));
      const shared = context();
      for (let at = 0; at < relevant.length;) {
        const batch = relevant.slice(at, at + Math.max(1, sizes()));
        at += batch.length;
        const ctx = coldMemo ? context() : shared;
        await app.db.transaction((tx) => projection.applyBatch(tx, batch, names, ctx));
      }
    }
    return rowsOf(tables);
  };

  beforeAll(async () => {
    app = await startTestApp({ dialect });
    const owner = await registerUser(app.baseUrl, 'equality');
    const client = owner.client;
    const accepted = async (response: Promise<{ status: number; body: any }>) => {
      const answer = await response;
      if (answer.status >= 300) throw new Error(JSON.stringify(answer.body));
      return answer.body.data;
    };

    const full = await accepted(
      client.post('/api/v1/projects/generate-drama', smallDrama({ title: '完整' })),
    );
    const paused = await accepted(
      client.post('/api/v1/projects/generate-drama', smallDrama({ title: '暂停' })),
    );
    await accepted(client.post(`/api/v1/dramas/${paused.drama_id}/pause`));
    const cancelled = await accepted(
      client.post('/api/v1/projects/generate-drama', smallDrama({ title: '取消' })),
    );
    await accepted(client.post(`/api/v1/dramas/${cancelled.drama_id}/cancel`));

    const manual = await accepted(client.post('/api/v1/projects', { title: '手写', target_episodes: 1 }));
    await accepted(
      client.post(`/api/v1/projects/${manual.id}/scenes`, {
        episode: 1,
        number: 1,
        title: '开场',
        location: '咖啡馆',
      }),
    );
    const first = await accepted(
      client.post(`/api/v1/projects/${manual.id}/generate-scenes`, { prompt: '一个程序员的爱情故事' }),
    );
    await waitFor(client, `/api/v1/dramas/${first.drama_id}`, finished);
    const second = await accepted(
      client.post(`/api/v1/projects/${manual.id}/generate-scenes`, { prompt: '一个医生在火车站' }),
    );
    const task = await accepted(
      client.post(`/api/v1/projects/${manual.id}/generate-video`, {
        scene_id: 'scene-1',
        script: '北京办公室，程序员正在工作。',
        duration_sec: 3,
      }),
    );
    await accepted(client.put(`/api/v1/projects/${manual.id}`, { title: '手写（改）', genre: '都市' }));

    const doomed = await accepted(client.post('/api/v1/projects', { title: '将删除', target_episodes: 1 }));
    const doomedScript = await accepted(
      client.post(`/api/v1/projects/${doomed.id}/generate-scenes`, { prompt: '雨夜的书店' }),
    );
    await waitFor(client, `/api/v1/dramas/${doomedScript.drama_id}`, finished);
    await accepted(client.delete(`/api/v1/projects/${doomed.id}`));
    await waitFor(client, `/api/v1/dramas/${full.drama_id}`, (d) => d.status === 'completed', 90_000);
    const scenes = await accepted(client.get(`/api/v1/projects/${full.project_id}/scenes`));
    await accepted(client.post(`/api/v1/dramas/${full.drama_id}/scenes/${scenes[0].id}/regenerate`));
    await accepted(client.post(`/api/v1/dramas/${paused.drama_id}/resume`));
    for (const id of [full.drama_id, paused.drama_id, second.drama_id]) {
      await waitFor(client, `/api/v1/dramas/${id}`, (d) => d.status === 'completed', 90_000);
    }
    await waitFor(client, `/api/v1/tasks/${task.task_id}`, finished);

    // The copies are appended with the pipeline off (it would take a copied request for new work): the
    // same database and data directory, opened again by an app that only projects.
    const made = app;
    await made.close();
    app = await startTestApp({
      dialect,
      dataDir: made.dataDir,
      ...(made.databaseUrl ? { databaseUrl: made.databaseUrl } : {}),
      followers: [ProjectorsModule],
    });

    // Copies of the whole history, appended round-robin one event at a time across their streams
    // (project streams first, so a project exists before its dramas name it).
    const history = await app.store.readAll({ after: 0, maxCount: 100_000 });
    const template = history.filter((e) => /^(project|drama|videotask)-/.test(e.streamId));
    const queues: { streamId: string; events: NewEvent[]; version: number }[] = [];
    for (let copy = 0; copy < COPIES; copy++) {
      const streams = [...cloneStreams(template)].sort(
        ([a], [b]) => Number(!a.startsWith('project-')) - Number(!b.startsWith('project-')),
      );
      for (const [streamId, events] of streams) {
        // The local providers report no usage: the copies carry some (the usage projection's input).
        for (const [i, event] of events.entries()) {
          if (event.type === 'StageCompleted' || event.type === 'StageFailed') {
            (event.data as { usage?: Record<string, unknown> }).usage = {
              llm_tokens: 100 * (copy + 1) + i,
              video_seconds: i % 3 === 0 ? 0 : 2.5,
              ...(i % 4 === 0 ? { junk: 'n/a' } : {}),
            };
          }
        }
        queues.push({ streamId, events, version: -1 });
      }
    }
    for (let round = 0; queues.some((q) => q.events.length > 0); round++) {
      for (const queue of queues) {
        const next = queue.events.shift();
        if (!next) continue;
        const expectedVersion = queue.version < 0 ? 'no_stream' : queue.version;
        const result = await app.store.appendToStream(queue.streamId, [next], { expectedVersion });
        queue.version = result.nextVersion;
      }
    }
    const head = await app.store.headPosition();
    for (const name of app.runner.names) {
      expect(await app.runner.waitFor(name, head, 60_000)).toBe(true);
    }
    log = await app.store.readAll({ after: 0, maxCount: 1_000_000 });
    expect(log.length).toBeGreaterThan(template.length * (COPIES + 1) - 1);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('has a history that exercises every projection', async () => {
    const live = await liveRows();
    const parse = (rows: string[]) => rows.map((r) => JSON.parse(r) as Record<string, any>);
    const dramas = parse(live.dramas!);
    expect(new Set(dramas.map((d) => d.status))).toEqual(new Set(['completed', 'cancelled']));
    expect(new Set(dramas.map((d) => d.kind))).toEqual(new Set(['drama', 'script_only', 'single_video']));
    const scenes = parse(live.scenes!);
    expect(scenes.some((s) => s.superseded)).toBe(true);
    expect(scenes.some((s) => s.source === 'manual')).toBe(true);
    expect(scenes.some((s) => s.video_key)).toBe(true);
    const projects = parse(live.projects!);
    expect(projects.some((p) => p.title === '手写（改）')).toBe(true);
    expect(projects.some((p) => p.title === '将删除')).toBe(false);
    expect(live.usage_entries!.length).toBeGreaterThan(0);
  });

  it('builds the same rows event by event with a cold memo as the live tables', async () => {
    expect(await buildReference('ref_cold', () => 1, true)).toEqual(await liveRows());
  }, 120_000);

  it('builds the same rows in random batch sizes as the live tables', async () => {
    const next = lcg(dialect.length);
    expect(await buildReference('ref_random', () => Math.floor(next() * 40) + 1, false)).toEqual(
      await liveRows(),
    );
  }, 120_000);

  it('rebuilds all four in one pass to exactly the live rows', async () => {
    const live = await liveRows();
    expect(await app.runner.rebuildMany(app.runner.names)).toBe(log.length);
    expect(await liveRows()).toEqual(live);
    const status = await app.runner.status();
    expect(status.every((p) => p.tables.every((t) => !t.endsWith('__v1') && !t.endsWith('__v2')))).toBe(true);
  }, 120_000);
});
