import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cloneStreams } from '../../../src/benchmarks/event-cloning.js';
import { buildDist } from '../../support/child-app.js';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

const COPIES = Number(process.env.AUDIT_TEST_COPIES ?? 60);
const ADMIN_EMAIL = 'auditor-admin@example.com';
const VIEWS = [
  'projects',
  'project_dramas',
  'dramas',
  'scenes',
  'scene_dramas',
  'usage_entries',
  'usage_streams',
];

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Media links are signed with an expiry: compare them without it. */
const unsigned = (value: unknown) => JSON.stringify(value).replace(/signature=[^"&]+|expires=\d+/g, '');

const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

describe('auditors and operators on postgres', () => {
  let app: TestApp;
  let owner: Awaited<ReturnType<typeof registerUser>>;
  let admin: Awaited<ReturnType<typeof registerUser>>;
  let projectId: string;
  let dramaId: string;

  /** Every row of every projection view, in a stable order. */
  const allRows = async () => {
    const result: Record<string, string[]> = {};
    for (const view of VIEWS) {
      const rows = await app.db.query(`SELECT * FROM ${view}`);
      result[view] = rows.map(sortedJson).sort();
    }
    return result;
  };

  const cli = (...args: string[]) =>
    new Promise<CliResult>((resolve) => {
      execFile(
        process.execPath,
        ['dist/src/interfaces/cli/main.js', ...args],
        {
          cwd: new URL('../../..', import.meta.url).pathname,
          env: {
            ...process.env,
            DATABASE_URL: app.databaseUrl!,
            DATA_DIR: app.dataDir,
            JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
            REDIS_URL: '',
            LOG_LEVEL: 'warn',
          },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  const caughtUp = async () => {
    const head = await app.store.headPosition();
    for (const name of app.runner.names) {
      expect(await app.runner.waitFor(name, head, 60_000)).toBe(true);
    }
  };

  beforeAll(async () => {
    buildDist();
    app = await startTestApp({ dialect: 'postgres', env: { ADMIN_EMAILS: ADMIN_EMAIL } });
    owner = await registerUser(app.baseUrl, 'owner');
    const response = await fetch(`${app.baseUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', email: ADMIN_EMAIL, password: 'Test@12345' }),
    });
    const { token, user_id } = ((await response.json()) as { data: { token: string; user_id: string } }).data;
    const { api } = await import('../../support/test-app.js');
    admin = { userId: user_id, email: ADMIN_EMAIL, token, client: api(app.baseUrl, token) };

    const accepted = await owner.client.post('/api/v1/projects/generate-drama', smallDrama(), {
      'x-correlation-id': 'audit-drama-1',
    });
    expect(accepted.status).toBe(202);
    ({ project_id: projectId, drama_id: dramaId } = accepted.body.data);
    const drama = await waitFor(owner.client, `/api/v1/dramas/${dramaId}`, finished, 100_000);
    expect(drama.status).toBe('completed');
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  describe('history', () => {
    it('covers the project stream and the drama stream in global order, with metadata', async () => {
      const all = await owner.client.get(`/api/v1/projects/${projectId}/history?page_size=100`);
      expect(all.status).toBe(200);
      const { items, total } = all.body.data;
      expect(total).toBeGreaterThan(20);
      const streams = new Set(items.map((e: any) => e.stream_id));
      expect(streams).toEqual(new Set([`project-${projectId}`, `drama-${dramaId}`]));
      const positions = items.map((e: any) => e.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(items[0]).toMatchObject({
        type: 'ProjectCreated',
        version: 1,
        stream_id: `project-${projectId}`,
      });
      const requested = items.find((e: any) => e.type === 'DramaRequested');
      expect(requested).toMatchObject({ stream_id: `drama-${dramaId}`, version: 1 });
      expect(requested.metadata).toMatchObject({
        userId: owner.userId,
        correlationId: 'audit-drama-1',
        schemaVersion: 2, // DramaRequested v2 (resolution stated)
      });
      expect(requested.metadata).toHaveProperty('causationId');
      expect(typeof requested.recorded_at).toBe('string');
      expect(items[items.length - 1].type).toBe('DramaCompleted');
    });

    it('filters by type, time and position, and pages by page number or after cursor', async () => {
      const everything = (await owner.client.get(`/api/v1/projects/${projectId}/history?page_size=100`)).body
        .data.items as any[];
      const typed = await owner.client.get(
        `/api/v1/projects/${projectId}/history?type=DramaRequested,DramaCompleted&page_size=100`,
      );
      expect(typed.body.data.items.map((e: any) => e.type)).toEqual(['DramaRequested', 'DramaCompleted']);
      expect(typed.body.data.total).toBe(2);

      const middle = everything[10]!;
      const bounded = (
        await owner.client.get(
          `/api/v1/projects/${projectId}/history?from_position=${middle.position}&to_position=${everything[14].position}`,
        )
      ).body.data.items;
      expect(bounded.map((e: any) => e.position)).toEqual(everything.slice(10, 15).map((e) => e.position));

      const before = (
        await owner.client.get(
          `/api/v1/projects/${projectId}/history?to=${encodeURIComponent(everything[0].recorded_at)}`,
        )
      ).body.data.items;
      expect(before.every((e: any) => e.recorded_at <= everything[0].recorded_at)).toBe(true);
      expect(before.map((e: any) => e.type)).toContain('ProjectCreated');
      expect(before.map((e: any) => e.type)).not.toContain('DramaCompleted');
      const after = (
        await owner.client.get(
          `/api/v1/projects/${projectId}/history?from=${encodeURIComponent(everything.at(-1).recorded_at)}`,
        )
      ).body.data.items;
      expect(after.map((e: any) => e.type)).toContain('DramaCompleted');
      expect(after.map((e: any) => e.type)).not.toContain('ProjectCreated');

      const page2 = (await owner.client.get(`/api/v1/projects/${projectId}/history?page=2&page_size=5`)).body
        .data;
      expect(page2.items.map((e: any) => e.position)).toEqual(everything.slice(5, 10).map((e) => e.position));

      const walked: number[] = [];
      let cursor: number | null = 0;
      while (cursor !== null) {
        const page: any = (
          await owner.client.get(`/api/v1/projects/${projectId}/history?page_size=7&after=${cursor}`)
        ).body.data;
        walked.push(...page.items.map((e: any) => e.position));
        cursor = page.next_after;
      }
      expect(walked).toEqual(everything.map((e) => e.position));
    });

    it('rejects bad filters naming the field, and hides the project from others', async () => {
      const bad = await owner.client.get(`/api/v1/projects/${projectId}/history?from=yesterday`);
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('from');
      for (const query of [
        'from=0000-01-01T00:00:00Z',
        'to=0000-01-01T00:00:00Z',
        'from_position=9223372036854775808',
        'after=1e400',
      ]) {
        const outOfRange = await owner.client.get(`/api/v1/projects/${projectId}/history?${query}`);
        expect([query, outOfRange.status, outOfRange.body.message]).toEqual([
          query,
          400,
          expect.stringContaining(query.split('=')[0]!),
        ]);
      }
      const badType = await owner.client.get(`/api/v1/projects/${projectId}/history?type=drop table`);
      expect(badType.status).toBe(400);
      expect(badType.body.message).toContain('type');
      const stranger = await registerUser(app.baseUrl, 'stranger');
      expect((await stranger.client.get(`/api/v1/projects/${projectId}/history`)).status).toBe(404);
    });
  });

  describe('as_of', () => {
    it('shows the name a project had before it was renamed, by time and by position', async () => {
      const created = await owner.client.post('/api/v1/projects', {
        title: '旧名字',
        description: 'before',
        genre: '爱情',
        target_episodes: 3,
        target_duration_sec: 60,
      });
      const id = created.body.data.id;
      const history = (await owner.client.get(`/api/v1/projects/${id}/history`)).body.data.items;
      // The instant the API reported: as_of compares the same clock.
      const createdAt = created.body.data.created_at as string;
      const createdPosition = history[0].position as number;
      // The rename must be decided in a later millisecond than the creation.
      while (Date.now() <= Date.parse(createdAt)) await new Promise((resolve) => setImmediate(resolve));
      expect((await owner.client.put(`/api/v1/projects/${id}`, { title: '新名字' })).status).toBe(200);

      const now = await owner.client.get(`/api/v1/projects/${id}`);
      expect(now.body.data).toMatchObject({ title: '新名字', version: 2 });
      const byTime = await owner.client.get(`/api/v1/projects/${id}?as_of=${encodeURIComponent(createdAt)}`);
      expect(byTime.status).toBe(200);
      expect(byTime.body.data).toEqual({
        ...now.body.data,
        title: '旧名字',
        version: 1,
        updated_at: now.body.data.created_at,
        as_of: createdAt,
      });
      const byPosition = await owner.client.get(`/api/v1/projects/${id}?as_of=${createdPosition}`);
      expect(byPosition.body.data).toMatchObject({ title: '旧名字', version: 1, as_of: createdPosition });

      const tooEarly = await owner.client.get(`/api/v1/projects/${id}?as_of=${createdPosition - 1}`);
      expect(tooEarly.status).toBe(404);
      const garbage = await owner.client.get(`/api/v1/projects/${id}?as_of=last-tuesday`);
      expect(garbage.status).toBe(400);
      expect(garbage.body.message).toContain('as_of');
      // Out of range for a position or for the database's dates: a 400 naming the parameter, never a 500.
      for (const value of ['9223372036854775808', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z']) {
        const outOfRange = await owner.client.get(
          `/api/v1/projects/${id}?as_of=${encodeURIComponent(value)}`,
        );
        expect([value, outOfRange.status, outOfRange.body.message]).toEqual([
          value,
          400,
          expect.stringContaining('as_of'),
        ]);
      }
      const earliest = await owner.client.get(`/api/v1/projects/${id}?as_of=0001-01-01T00:00:00Z`);
      expect(earliest.status).toBe(404); // in range, before the project existed
      const stranger = await registerUser(app.baseUrl, 'stranger');
      expect((await stranger.client.get(`/api/v1/projects/${id}?as_of=${createdPosition}`)).status).toBe(404);
    });

    it('finds a project and a drama at the created_at the API reported for them', async () => {
      const project = (await owner.client.get(`/api/v1/projects/${projectId}`)).body.data;
      const atCreation = await owner.client.get(
        `/api/v1/projects/${projectId}?as_of=${encodeURIComponent(project.created_at)}`,
      );
      expect(atCreation.status).toBe(200);
      expect(atCreation.body.data).toMatchObject({ id: projectId, created_at: project.created_at });
      const drama = (await owner.client.get(`/api/v1/dramas/${dramaId}`)).body.data;
      const requested = await owner.client.get(
        `/api/v1/dramas/${dramaId}?as_of=${encodeURIComponent(drama.created_at)}`,
      );
      expect(requested.status).toBe(200);
      expect(requested.body.data).toMatchObject({
        id: dramaId,
        status: 'pending',
        created_at: drama.created_at,
      });
      const before = new Date(Date.parse(drama.created_at) - 1).toISOString();
      expect((await owner.client.get(`/api/v1/dramas/${dramaId}?as_of=${before}`)).status).toBe(404);
    });

    it('shows a drama mid-run with its earlier status, and the project as it was then', async () => {
      const items = (await owner.client.get(`/api/v1/projects/${projectId}/history?page_size=100`)).body.data
        .items as any[];
      const script = items.find((e) => e.type === 'StageCompleted' && e.data.stage === 'script');
      const final = await owner.client.get(`/api/v1/dramas/${dramaId}`);
      const mid = await owner.client.get(`/api/v1/dramas/${dramaId}?as_of=${script.position}`);
      expect(mid.status).toBe(200);
      expect(mid.body.data).toMatchObject({ id: dramaId, project_id: projectId, as_of: script.position });
      expect(mid.body.data.status).toBe('running');
      expect(mid.body.data.progress).toBeLessThan(100);
      expect(mid.body.data.stages[0]).toMatchObject({ name: 'script', status: 'completed' });
      expect(mid.body.data.stages.find((s: any) => s.name === 'assemble').status).toBe('pending');
      expect(Object.keys(mid.body.data).sort()).toEqual([...Object.keys(final.body.data), 'as_of'].sort());

      const end = await owner.client.get(`/api/v1/dramas/${dramaId}?as_of=${items.at(-1).position}`);
      const { eta_sec: _eta, episodes: endEpisodes, ...endRest } = end.body.data;
      const { eta_sec: _eta2, episodes: finalEpisodes, ...finalRest } = final.body.data;
      expect(endRest).toEqual({ ...finalRest, as_of: items.at(-1).position });
      expect(endEpisodes.map((e: any) => e.duration_sec)).toEqual(
        finalEpisodes.map((e: any) => e.duration_sec),
      );

      const project = await owner.client.get(`/api/v1/projects/${projectId}?as_of=${script.position}`);
      expect(project.body.data.status).toBe('generating');
      expect((await owner.client.get(`/api/v1/projects/${projectId}`)).body.data.status).toBe('completed');

      const requested = items.find((e) => e.type === 'DramaRequested');
      expect(
        (await owner.client.get(`/api/v1/dramas/${dramaId}?as_of=${requested.position - 1}`)).status,
      ).toBe(404);
      const garbage = await owner.client.get(`/api/v1/dramas/${dramaId}?as_of=2026-13-45`);
      expect(garbage.status).toBe(400);
      expect(garbage.body.message).toContain('as_of');
    });
  });

  describe('admin', () => {
    it('refuses non-admins and anonymous callers', async () => {
      expect((await owner.client.get('/api/v1/admin/projections')).status).toBe(403);
      expect((await owner.client.post('/api/v1/admin/projections/rebuild')).status).toBe(403);
      expect((await owner.client.post('/api/v1/admin/projections/dramas/rebuild')).status).toBe(403);
      const anonymous = await fetch(`${app.baseUrl}/api/v1/admin/projections`);
      expect(anonymous.status).toBe(401);
    });

    it('lists every projection with version, checkpoint, lag and status', async () => {
      await caughtUp();
      const list = await admin.client.get('/api/v1/admin/projections');
      expect(list.status).toBe(200);
      const head = await app.store.headPosition();
      expect(list.body.data.items.map((p: any) => p.name)).toEqual(['projects', 'dramas', 'scenes', 'usage']);
      const versions: Record<string, number> = { projects: 1, dramas: 4, scenes: 1, usage: 1 };
      for (const p of list.body.data.items) {
        expect(p).toMatchObject({
          version: versions[p.name],
          stored_version: versions[p.name],
          status: 'live',
          head,
          checkpoint: head,
          lag: 0,
        });
      }
      expect((await admin.client.post('/api/v1/admin/projections/nope/rebuild')).status).toBe(404);
    });

    it('rebuilds every projection to exactly the live rows, answering reads and writes all along', async () => {
      await caughtUp();
      const live = await allRows();
      // Enough history that the rebuild takes a while: copies of the whole drama and its project.
      const template = (
        await app.history.read(
          (await app.history.projectStreams(projectId)).map((s) => s.streamId),
          {},
        )
      ).events;
      for (let i = 0; i < COPIES; i++) {
        for (const [streamId, events] of cloneStreams(template)) {
          await app.store.appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        }
      }
      await caughtUp();
      const seeded = await allRows();
      expect(seeded.dramas).toHaveLength(live.dramas!.length + COPIES);

      const before = {
        project: (await owner.client.get(`/api/v1/projects/${projectId}`)).body.data,
        drama: (await owner.client.get(`/api/v1/dramas/${dramaId}`)).body.data,
        scenes: (await owner.client.get(`/api/v1/projects/${projectId}/scenes`)).body.data,
      };
      const started = await admin.client.post('/api/v1/admin/projections/rebuild');
      expect(started.status).toBe(202);
      expect(started.body.data.started).toEqual(['projects', 'dramas', 'scenes', 'usage']);
      expect(started.body.data.items.every((p: any) => p.status === 'rebuilding')).toBe(true);
      expect((await admin.client.post('/api/v1/admin/projections/dramas/rebuild')).status).toBe(409);

      let readsWhileRebuilding = 0;
      let renamed = false;
      for (;;) {
        const list = (await admin.client.get('/api/v1/admin/projections')).body.data.items as any[];
        if (list.every((p) => p.rebuild.state === 'completed')) break;
        expect(list.some((p) => p.rebuild.state === 'failed')).toBe(false);
        const [project, drama, scenes] = await Promise.all([
          owner.client.get(`/api/v1/projects/${projectId}`),
          owner.client.get(`/api/v1/dramas/${dramaId}`),
          owner.client.get(`/api/v1/projects/${projectId}/scenes`),
        ]);
        expect(project.status).toBe(200);
        expect(drama.status).toBe(200);
        expect(unsigned(scenes.body.data)).toBe(unsigned(before.scenes));
        const { eta_sec: _a, ...dramaNow } = drama.body.data;
        const { eta_sec: _b, ...dramaBefore } = before.drama;
        expect(unsigned(dramaNow)).toBe(unsigned(dramaBefore));
        if (!renamed) {
          // A write in the middle of the rebuild must survive the swap.
          const put = await owner.client.put(`/api/v1/projects/${projectId}`, { title: '重建中改名' });
          expect(put.status).toBe(200);
          expect(put.body.data.title).toBe('重建中改名');
          renamed = true;
        } else {
          expect(project.body.data.title).toBe('重建中改名');
        }
        if (list.some((p) => p.status === 'rebuilding')) readsWhileRebuilding++;
      }
      expect(readsWhileRebuilding).toBeGreaterThan(0);
      expect((await owner.client.get(`/api/v1/projects/${projectId}`)).body.data.title).toBe('重建中改名');

      await caughtUp();
      const liveAfterRename = await allRows();
      const list = (await admin.client.get('/api/v1/admin/projections')).body.data.items as any[];
      expect(list.every((p) => p.status === 'live' && p.lag === 0)).toBe(true);
      expect(list.find((p) => p.name === 'dramas').tables[0]).not.toBe('dramas__v2');
      // The rebuilt rows against the rows built live before the rebuild, every row of every view; the
      // one project renamed during the rebuild differs in exactly what the rename changed.
      const parse = (rows: string[]) => rows.map((r) => JSON.parse(r) as Record<string, unknown>);
      const renamedBefore = parse(seeded.projects!).find((r) => r.id === projectId)!;
      const renamedAfter = parse(liveAfterRename.projects!).find((r) => r.id === projectId)!;
      expect(renamedAfter).toEqual({
        ...renamedBefore,
        title: '重建中改名',
        // bigint columns come back as strings from node-postgres: keep the type the row had.
        version:
          typeof renamedBefore.version === 'string'
            ? String(Number(renamedBefore.version) + 1)
            : Number(renamedBefore.version) + 1,
        updated_at: renamedAfter.updated_at,
        last_position: renamedAfter.last_position,
      });
      expect(liveAfterRename).toEqual({
        ...seeded,
        projects: seeded
          .projects!.map((row) => (JSON.parse(row).id === projectId ? sortedJson(renamedAfter) : row))
          .sort(),
      });
      // A second rebuild from scratch, with nothing moving: every row of every view must match.
      const again = await admin.client.post('/api/v1/admin/projections/rebuild');
      expect(again.status).toBe(202);
      for (;;) {
        const items = (await admin.client.get('/api/v1/admin/projections')).body.data.items as any[];
        if (items.every((p) => p.rebuild.state === 'completed' && p.status === 'live')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await allRows()).toEqual(liveAfterRename);
    }, 120_000);
  });

  describe('CLI', () => {
    it('replays the history with the state after each event, and stops at --to', async () => {
      const items = (await owner.client.get(`/api/v1/projects/${projectId}/history?page_size=100`)).body.data
        .items as any[];
      const full = await cli('replay', '--project', projectId, '--json');
      expect(full.code).toBe(0);
      const lines = full.stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.position)).toEqual(items.map((e) => e.position));
      expect(lines[0].state.project).toMatchObject({ id: projectId, status: 'draft' });
      expect(lines.find((l) => l.type === 'DramaCompleted')).toMatchObject({
        state: { project_status: 'completed', drama: { id: dramaId, status: 'completed', progress: 100 } },
      });

      const partial = await cli('replay', '--project', projectId, '--to', String(items[5].position));
      expect(partial.code).toBe(0);
      expect(partial.stdout).toContain(`#${items[5].position} `);
      expect(partial.stdout).not.toContain(`#${items[6].position} `);
      expect(partial.stdout).toContain('6 events');

      const bad = await cli('replay', '--project', 'not-a-uuid');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--project');
      const unknown = await cli('frobnicate');
      expect(unknown.code).toBe(2);
    }, 120_000);

    it('verifies the read models, reports a tampered row field by field with exit 1', async () => {
      await caughtUp();
      const clean = await cli('verify', '--project', projectId);
      expect(clean.stderr).toBe('');
      expect(clean.code).toBe(0);
      expect(clean.stdout).toMatch(/^OK: \d+ events; checked 1 project, 1 dramas\/tasks, 2 scenes/m);

      await app.db.query(`UPDATE projects SET title = 'tampered' WHERE id = $1`, [projectId]);
      await app.db.query(`UPDATE dramas SET progress = 42 WHERE id = $1`, [dramaId]);
      await app.db.query(`UPDATE scenes SET location = 'nowhere' WHERE project_id = $1`, [projectId]);
      const drifted = await cli('verify', '--project', projectId);
      expect(drifted.code).toBe(1);
      expect(drifted.stdout).toContain(
        `DRIFT projects ${projectId} title: expected "重建中改名", read model has "tampered"`,
      );
      expect(drifted.stdout).toContain(`DRIFT dramas ${dramaId} progress: expected 100, read model has 42`);
      expect(drifted.stdout).toMatch(/DRIFT scenes \S+ location: expected ".+", read model has "nowhere"/);

      const rebuilt = await cli('projections', 'rebuild', '--all');
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.stdout).toMatch(/rebuilt projects, dramas, scenes, usage: \d+ events/);
      const repaired = await cli('verify', '--project', projectId);
      expect(repaired.code).toBe(0);

      const status = await cli('projections', 'status');
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/dramas\s+4\s+4\s+\d+\s+\d+\s+0\s+live/);
      expect((await cli('projections', 'rebuild', 'nope')).code).toBe(2);
    }, 120_000);

    it('lists the consumers and their parked events, and retries or skips one', async () => {
      await caughtUp();
      const listed = await cli('consumers', '--json');
      expect(listed.code).toBe(0);
      const rows = JSON.parse(listed.stdout) as {
        name: string;
        position: number;
        lag: number;
        parked: number;
      }[];
      const head = await app.store.headPosition();
      expect(rows.map((r) => r.name)).toEqual(
        expect.arrayContaining([
          'projection:projects',
          'projection:dramas',
          'projection:scenes',
          'projection:usage',
        ]),
      );
      for (const r of rows.filter((r) => r.name.startsWith('projection:'))) {
        expect(r).toMatchObject({ position: head, lag: 0, parked: 0 });
      }
      expect((await cli('parked', 'list')).stdout).toContain('no parked events');

      // Two events the projects projection could not apply (as the engine records them after its retries).
      const [created, requested] = await app.db.query<{
        event_id: string;
        global_position: string;
        type: string;
        stream_id: string;
      }>(
        `SELECT event_id, global_position, type, stream_id FROM es_events
          WHERE stream_id IN ($1, $2) ORDER BY global_position LIMIT 2`,
        [`project-${projectId}`, `drama-${dramaId}`],
      );
      expect([created?.type, requested?.type]).toEqual(['ProjectCreated', 'DramaRequested']);
      const park = async (event: {
        event_id: string;
        global_position: string;
        type: string;
        stream_id: string;
      }) => {
        const id = crypto.randomUUID();
        await app.db.query(
          `INSERT INTO consumer_parked (id, consumer, position, event_id, event_type, stream_id, attempts, error)
           VALUES ($1, 'projection:projects', $2, $3, $4, $5, 5, 'the projects read model was down')`,
          [id, event.global_position, event.event_id, event.type, event.stream_id],
        );
        return id;
      };
      const first = await park(created!);
      const second = await park(requested!);
      const parked = await cli('parked', 'list', '--json');
      expect(parked.code).toBe(0);
      const items = (
        JSON.parse(parked.stdout) as { items: { id: string; consumer: string; status: string }[] }
      ).items;
      expect(items.map((i) => i.id).sort()).toEqual([first, second].sort());
      expect(
        (JSON.parse((await cli('consumers', '--json')).stdout) as typeof rows).find(
          (r) => r.name === 'projection:projects',
        )?.parked,
      ).toBe(2);

      const retried = await cli('parked', 'retry', first);
      expect(retried.stderr).toBe('');
      expect(retried.stdout).toMatch(/projection:projects position \d+: retried/);
      expect((await cli('verify', '--project', projectId)).code).toBe(0); // applying it again changed nothing
      const again = await cli('parked', 'retry', first);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain(`parked event ${first} was already retried`);
      expect((await cli('parked', 'skip', second)).stdout).toMatch(/position \d+: skipped/);
      expect((await cli('parked', 'list')).stdout).toContain('no parked events');
      expect((await cli('parked', 'list', '--status', 'skipped')).stdout).toContain(second);
      const missing = await cli('parked', 'skip', crypto.randomUUID());
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/no parked event/);
      expect((await cli('parked', 'retry', 'not-an-id')).code).toBe(2);
    }, 120_000);
  });
});
