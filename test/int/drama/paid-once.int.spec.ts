import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { writeTemplateScript } from '../../../src/domain/script/template-script.js';
import { type ChildApp, buildDist, startChildApp } from '../../support/child-app.js';
import { finished, smallDrama, waitFor } from '../../support/drama.js';
import { DashScopeCompatibleFake } from '../../support/fakes/dashscope-compatible.fake.js';
import { DashScopeNativeFake } from '../../support/fakes/dashscope-native.fake.js';
import type { RecordedRequest } from '../../support/fakes/fake-server.js';
import { RunwayFake } from '../../support/fakes/runway.fake.js';
import { api, registerUser } from '../../support/test-app.js';

/**
 * Paid provider work is done once: the server (embedded default, which runs the workers) is killed with
 * SIGKILL right when a paid task is created at the provider double, then started again on the same data.
 * No request body may reach the provider twice — the restarted job resumes the recorded task, or, when
 * the answer never got recorded, refuses to pay again and falls back (saying why).
 */
describe('paid provider work survives a crash without being paid twice', () => {
  let runway: RunwayFake;
  let dashscope: DashScopeNativeFake;
  let qwen: DashScopeCompatibleFake;
  let server: ChildApp | null = null;
  /** Characters of the script: each has a portrait from Wanx (the cast step), before the scenes' images. */
  let castSize = 0;
  const request = smallDrama({ video_provider: 'runway', image_provider: 'wanx', tts_provider: 'local' });

  beforeAll(async () => {
    buildDist();
    [runway, dashscope, qwen] = await Promise.all([
      RunwayFake.start(),
      DashScopeNativeFake.start(),
      DashScopeCompatibleFake.start(),
    ]);
    const script = writeTemplateScript({
      prompt: request.prompt as string,
      episodes: 1,
      scenes_per_episode: 2,
      episode_duration_sec: 20,
    });
    castSize = script.characters.length;
    qwen.replies.fallback = (req) =>
      String((req.body as { model?: string }).model).includes('vl')
        ? { content: '{"ok": true, "reasons": []}' }
        : { content: JSON.stringify(script) };
    runway.steps = { PENDING: 1, THROTTLED: 0, RUNNING: 4 };
    dashscope.steps = { PENDING: 2, RUNNING: 3 };
  });
  afterEach(async () => {
    await server?.kill('SIGKILL');
    server = null;
    runway.server.onRequest = undefined;
    dashscope.server.onRequest = undefined;
  });
  afterAll(async () => {
    await Promise.all([runway?.close(), dashscope?.close(), qwen?.close()]);
  });

  const envFor = (dataDir: string) => ({
    DATA_DIR: dataDir,
    JWT_SECRET: 'paid-once-secret-paid-once-secret-0123',
    QWEN_API_KEY: dashscope.apiKey,
    QWEN_BASE_URL: qwen.baseUrl,
    DASHSCOPE_BASE_URL: dashscope.url,
    DASHSCOPE_POLL_INTERVAL_MS: '50',
    RUNWAY_API_KEY: runway.apiKey,
    RUNWAY_BASE_URL: runway.url,
    RUNWAY_POLL_INTERVAL_MS: '50',
    PIPELINE_RETRY_BASE_MS: '50',
  });

  /** Kills the server the first time `when` matches a request the provider double receives. */
  const killOn = (
    fake: { server: { onRequest?: (r: RecordedRequest) => void } },
    when: (r: RecordedRequest) => boolean,
  ) => {
    let killed: Promise<void> | null = null;
    fake.server.onRequest = (r) => {
      if (killed || !server || !when(r)) return;
      killed = server.kill('SIGKILL');
    };
    return () => killed;
  };

  const bodiesSentTwice = (requests: RecordedRequest[]) => {
    const seen = new Map<string, number>();
    for (const r of requests) seen.set(r.raw, (seen.get(r.raw) ?? 0) + 1);
    return [...seen.values()].filter((n) => n > 1).length;
  };

  const runAcrossCrash = async (dataDir: string, killed: () => Promise<void> | null) => {
    const env = envFor(dataDir);
    server = await startChildApp(env);
    const { client, token } = await registerUser(server.baseUrl);
    const accepted = await client.post('/api/v1/projects/generate-drama', request);
    expect(accepted.status).toBe(202);
    const dramaId = accepted.body.data.drama_id as string;
    const deadline = Date.now() + 120_000;
    while (!killed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(killed()).not.toBeNull();
    await killed();
    expect(server.process.signalCode).toBe('SIGKILL');

    const restartedAt = Date.now();
    server = await startChildApp(env);
    const again = api(server.baseUrl, token);
    const drama = await waitFor<any>(again, `/api/v1/dramas/${dramaId}`, finished, 100_000);
    const failures = await again.get(
      `/api/v1/projects/${accepted.body.data.project_id as string}/history?type=StageFailed&page_size=100`,
    );
    return {
      drama,
      restartedAt,
      failures: failures.body.data.items as { data: { stage: string; message: string } }[],
    };
  };

  it('an image task (a portrait) created just before the crash is resumed, not created again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k3s-paid-image-'));
    const creates = dashscope.imageSubmissions().length;
    // The first poll of a task comes after its id was recorded: kill right there.
    const killed = killOn(dashscope, (r) => r.method === 'GET' && r.path.startsWith('/api/v1/tasks/'));
    const { drama, failures, restartedAt } = await runAcrossCrash(dataDir, killed);
    expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });
    const sent = dashscope.imageSubmissions().slice(creates);
    expect(bodiesSentTwice(sent)).toBe(0);
    // One portrait per character and one image per scene, each paid once at most. The first task polled
    // (the one the crash interrupts) is a portrait: the cast comes before the scenes' images.
    expect(sent.length).toBeLessThanOrEqual(castSize + 2);
    // The task being polled when the server died was polled again by the restarted one: resumed.
    const polledAtCrash = dashscope.server.requests.find(
      (r) => r.method === 'GET' && r.path.startsWith('/api/v1/tasks/') && r.at < restartedAt,
    )!;
    expect(dashscope.server.requests.some((r) => r.path === polledAtCrash.path && r.at >= restartedAt)).toBe(
      true,
    );
    const paid = drama.stages
      .filter((s: any) => s.name === 'cast' || s.name === 'images')
      .flatMap((s: any) => s.providers as string[]);
    expect(paid).toContain('wanx');
    // Another request in flight at the crash, if any, was not sent again, and says so.
    if (paid.includes('local')) {
      expect(failures.map((f) => f.data.message)).toEqual(
        expect.arrayContaining([expect.stringContaining('not sent again, so it is not paid for twice')]),
      );
    }
  }, 120_000);

  it('a video clip whose answer was lost in the crash is not sent again: the scene falls back and says why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k3s-paid-video-'));
    const creates = runway.submissions().length;
    // Killed as the create arrives: Runway makes the task, the server never learns its id.
    const killed = killOn(runway, (r) => r.method === 'POST' && /_to_video$/.test(r.path));
    const { drama, failures } = await runAcrossCrash(dataDir, killed);
    expect({ status: drama.status, error: drama.error }).toEqual({ status: 'completed', error: null });
    const sent = runway.submissions().slice(creates);
    expect(bodiesSentTwice(sent)).toBe(0);
    const video = drama.stages.find((s: any) => s.name === 'video');
    expect(video.providers.some((p: string) => p.startsWith('local'))).toBe(true);
    // The reason is in the drama's history, for the creator and the auditor.
    expect(failures.map((f) => f.data.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('not sent again, so it is not paid for twice')]),
    );
  }, 120_000);
});
