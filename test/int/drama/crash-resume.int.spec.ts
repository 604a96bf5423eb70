import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../src/application/ports/event-store.port.js';
import { PgliteDatabase } from '../../../src/infrastructure/database/pglite.database.js';
import { SqlEventStore } from '../../../src/infrastructure/event-store/sql.event-store.js';
import { type ChildApp, buildDist, startChildApp } from '../../support/child-app.js';
import { finished, probeDownloaded, smallDrama, waitFor } from '../../support/drama.js';
import { api, registerUser } from '../../support/test-app.js';

/**
 * The server is killed with SIGKILL in the middle of a drama and started again on the same data
 * folder: the drama must finish, and no job that had finished before the crash may run again.
 */
describe('crash and resume (kill -9) on the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k3s-crash-'));
  const env = { DATA_DIR: dataDir, JWT_SECRET: 'crash-test-secret-crash-test-secret-0123' };
  let server: ChildApp | null = null;

  beforeAll(() => buildDist());
  afterAll(async () => {
    await server?.kill('SIGKILL');
  });

  it('finishes the drama after a crash without redoing finished work', async () => {
    server = await startChildApp(env);
    const { client, token } = await registerUser(server.baseUrl);
    const { drama_id: dramaId } = (
      await client.post(
        '/api/v1/projects/generate-drama',
        smallDrama({ scenes_per_episode: 3, duration_sec: 60 }),
      )
    ).body.data;
    await waitFor<any>(
      client,
      `/api/v1/dramas/${dramaId}`,
      (d) => d.stages.find((s: any) => s.name === 'video').done >= 1,
      90_000,
    );
    await server.kill('SIGKILL');
    expect(server.process.signalCode).toBe('SIGKILL');

    server = await startChildApp(env);
    const again = api(server.baseUrl, token);
    const drama = await waitFor<any>(again, `/api/v1/dramas/${dramaId}`, finished, 100_000);
    expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });
    const probe = await probeDownloaded(
      server.baseUrl,
      drama.episodes[0].video_url,
      join(dataDir, 'check.mp4'),
    );
    expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    expect(Math.abs(probe.durationSec - 60)).toBeLessThanOrEqual(0.5);
    await server.kill('SIGTERM');
    server = null;

    // Read the drama's history straight from the event store the server left behind.
    const db = await PgliteDatabase.open(join(dataDir, 'pglite'));
    try {
      const events = await new SqlEventStore(db).readStream(`drama-${dramaId}`);
      const jobs = new Map<string, { slot: string }>();
      const completedAt = new Map<string, number>();
      const restartsAfterCompletion: string[] = [];
      for (const event of events as StoredEvent<any>[]) {
        if (event.type === 'JobScheduled')
          jobs.set(event.data.jobId, { slot: `${event.data.stage}:${event.data.target}` });
        if (event.type === 'StageCompleted') {
          const slot = `${event.data.stage}:${event.data.target}`;
          expect(completedAt.has(slot)).toBe(false); // one result per slot
          completedAt.set(slot, event.streamVersion);
        }
        if (event.type === 'JobStarted') {
          const slot = jobs.get(event.data.jobId)!.slot;
          if (completedAt.has(slot)) restartsAfterCompletion.push(slot);
        }
      }
      expect(restartsAfterCompletion).toEqual([]);
      expect(completedAt.size).toBe(1 + 1 + 1 + 3 + 3 + 3 + 1); // script, cast, storyboard, 3 × (images, video, review), assemble
    } finally {
      await db.close();
    }
  }, 120_000);
});
