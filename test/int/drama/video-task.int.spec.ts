import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderStoryboardCard } from '../../../src/infrastructure/media/storyboard-card.js';
import { download, finished, probeDownloaded, smallDrama, waitFor } from '../../support/drama.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

/** Milestone 1.1: one scene to one MP4, as a task, with the seed's request body. */
describe('single-scene video tasks', () => {
  let app: TestApp;
  let images: Server;
  let imageBase: string;
  const work = mkdtempSync(join(tmpdir(), 'k3s-task-'));

  beforeAll(async () => {
    const { path } = await renderStoryboardCard({
      width: 1280,
      height: 720,
      title: '分镜',
      lines: ['北京办公室'],
      seed: 7,
      outPath: join(work, 'storyboard.png'),
    });
    const png = readFileSync(path);
    images = createServer((req, res) => {
      if (req.url === '/storyboard.png')
        return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      if (req.url === '/page.html')
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
    // The image host is on loopback, so the operator lists exactly it (OUTBOUND_ALLOW).
    app = await startTestApp({ dialect: 'pglite', env: { OUTBOUND_ALLOW: new URL(imageBase).host } });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    images?.close();
  });

  const project = async (client: any) =>
    (await client.post('/api/v1/projects', { title: '单场景', target_episodes: 1, target_duration_sec: 30 }))
      .body.data.id;

  it('renders the seed example in text mode and reports progress until the URL is there', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const accepted = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: 'scene-1',
      script: '北京办公室，程序员正在工作。他揉了揉眼睛，屏幕上的代码还在滚动。',
      duration_sec: 10,
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.data).toMatchObject({ status: 'pending', video_url: null });
    expect(Object.keys(accepted.body.data).sort()).toEqual([
      'created_at',
      'notes',
      'status',
      'task_id',
      'video_url',
    ]);
    const task = await waitFor<any>(client, `/api/v1/tasks/${accepted.body.data.task_id}`, finished);
    expect(task).toMatchObject({ status: 'completed', progress: 100, error: null });
    const probe = await probeDownloaded(app.baseUrl, task.video_url, join(work, 'text.mp4'));
    expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    expect(probe.audio?.codec).toBe('aac');
    expect(Math.abs(probe.durationSec - 10)).toBeLessThanOrEqual(0.5);
  });

  it('cancels a task at POST /tasks/:id/cancel: it stays cancelled with no clip, for its owner only', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const accepted = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: 'scene-1',
      script: '北京办公室，程序员正在工作。',
      duration_sec: 120,
    });
    expect(accepted.status).toBe(202);
    const taskId = accepted.body.data.task_id;
    const stranger = await registerUser(app.baseUrl, 'stranger');
    expect((await stranger.client.post(`/api/v1/tasks/${taskId}/cancel`)).status).toBe(404);
    const cancelled = await client.post(`/api/v1/tasks/${taskId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toEqual({ task_id: taskId, status: 'cancelled' });
    // Again: the same answer, nothing new.
    expect((await client.post(`/api/v1/tasks/${taskId}/cancel`)).body.data.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const task = (await client.get(`/api/v1/tasks/${taskId}`)).body.data;
    expect(task).toMatchObject({ status: 'cancelled', video_url: null });
    expect((await client.post('/api/v1/tasks/not-a-uuid/cancel')).status).toBe(400);
  });

  it('refuses to cancel a finished task (409) and a drama through the task route (404)', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const accepted = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: 'scene-1',
      script: '北京。',
      duration_sec: 3,
    });
    const taskId = accepted.body.data.task_id;
    await waitFor(client, `/api/v1/tasks/${taskId}`, finished);
    const late = await client.post(`/api/v1/tasks/${taskId}/cancel`);
    expect(late.status).toBe(409);
    expect(late.body.data).toMatchObject({ error: 'DRAMA.FINISHED' });
    const drama = await client.post('/api/v1/projects/generate-drama', smallDrama());
    expect((await client.post(`/api/v1/tasks/${drama.body.data.drama_id}/cancel`)).status).toBe(404);
    expect((await client.post(`/api/v1/dramas/${drama.body.data.drama_id}/cancel`)).status).toBe(200);
  });

  it('uses an image_url over http, in 9:16', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const accepted = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: 'scene-2',
      script: 'A quiet office at night.',
      image_url: `${imageBase}/storyboard.png`,
      duration_sec: 6,
      aspect_ratio: '9:16',
    });
    const task = await waitFor<any>(client, `/api/v1/tasks/${accepted.body.data.task_id}`, finished);
    expect(task.status).toBe('completed');
    const probe = await probeDownloaded(app.baseUrl, task.video_url, join(work, 'image.mp4'));
    expect(probe.video).toMatchObject({ width: 720, height: 1280 });
  });

  it('delivers 1080p when asked, in both aspects, with square pixels and subtitles sized to the frame', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    for (const [aspect, width, height, picture] of [
      ['16:9', 1920, 1080, undefined],
      ['9:16', 1080, 1920, `${imageBase}/storyboard.png`],
    ] as const) {
      const accepted = await client.post(`/api/v1/projects/${id}/generate-video`, {
        scene_id: `scene-${aspect}`,
        script: '林晓：今晚必须上线。',
        duration_sec: 5,
        aspect_ratio: aspect,
        resolution: '1080p',
        ...(picture ? { image_url: picture } : {}),
      });
      expect(accepted.status).toBe(202);
      const task = await waitFor<any>(client, `/api/v1/tasks/${accepted.body.data.task_id}`, finished);
      expect(task.status).toBe('completed');
      const probe = await probeDownloaded(app.baseUrl, task.video_url, join(work, `1080-${width}.mp4`));
      expect(probe.video).toMatchObject({ width, height, sar: '1:1' });
    }
    const refused = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: 'scene-1',
      script: '林晓：今晚必须上线。',
      resolution: '4k',
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('resolution');
  });

  it('fails with a reason a person can act on when image_url is not an image', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const accepted = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: 'scene-3',
      script: '北京办公室',
      image_url: `${imageBase}/page.html`,
      duration_sec: 5,
    });
    const task = await waitFor<any>(client, `/api/v1/tasks/${accepted.body.data.task_id}`, finished);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/image_url/);
  });

  it("takes this server's media only as the caller's own or as a valid signed link, and says the same to everyone else", async () => {
    const owner = await registerUser(app.baseUrl, 'owner');
    const accepted = await owner.client.post(
      '/api/v1/projects/generate-drama',
      smallDrama({ scenes_per_episode: 1, duration_sec: 10 }),
    );
    const drama = await waitFor<any>(owner.client, `/api/v1/dramas/${accepted.body.data.drama_id}`, finished);
    expect(drama.status).toBe('completed');
    const [scene] = (await owner.client.get(`/api/v1/projects/${accepted.body.data.project_id}/scenes`)).body
      .data;
    const signed = new URL(scene.image_url as string, app.baseUrl);
    const bare = signed.pathname;
    expect(bare).toMatch(/^\/media\/dramas\/[0-9a-f-]{36}\/.+\.png$/);

    const attempt = async (who: typeof owner, image_url: string) => {
      const project = await who.client.post('/api/v1/projects', {
        title: 'x',
        target_episodes: 1,
        target_duration_sec: 30,
      });
      return who.client.post(`/api/v1/projects/${project.body.data.id}/generate-video`, {
        scene_id: 's',
        script: '北京办公室，程序员正在工作。',
        duration_sec: 5,
        image_url,
      });
    };
    // The owner may use the bare path of their own picture, and anyone holding a valid signed link may use it.
    const own = await attempt(owner, bare);
    expect(own.status).toBe(202);
    const stranger = await registerUser(app.baseUrl, 'stranger');
    expect((await attempt(stranger, `${signed.pathname}${signed.search}`)).status).toBe(202);
    const task = await waitFor<any>(owner.client, `/api/v1/tasks/${own.body.data.task_id}`, finished);
    expect(task).toMatchObject({ status: 'completed', error: null });

    // Someone else's key, a forged, expired or missing signature, and a key that does not exist: one answer.
    const expired = new URL(signed);
    expired.searchParams.set('expires', '1000');
    const answers = await Promise.all(
      [
        bare,
        `${bare}?signature=x`,
        `${bare}?expires=${signed.searchParams.get('expires')}&signature=${'0'.repeat(64)}`,
        `${expired.pathname}${expired.search}`,
        `${app.baseUrl}${bare}?signature=x`,
        `/media/dramas/${crypto.randomUUID()}/scenes/ep-1/image-0000.png`,
        '/media/dramas/../users/secrets.png',
      ].map(async (url) => {
        const answer = await attempt(stranger, url);
        return [answer.status, answer.body.message];
      }),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([
        JSON.stringify([
          400,
          'image_url: not a picture you can use: give a link to your own media as this API returned it, or an http(s) URL',
        ]),
      ]),
    );
  });

  /** Every cue's words, without the speaker names this test uses, as one string with no white space. */
  const spokenText = (srt: string) =>
    srt
      .split(/\r?\n\r?\n/)
      .map((block) =>
        block
          .split(/\r?\n/)
          .slice(2)
          .join('')
          .replace(/^(?:欧阳纳兰·星辰·无忌|店员小林)：/, ''),
      )
      .join('')
      .replace(/\s+/g, '');

  it('speaks and subtitles every line of a long labelled script, lengthening the clip and saying so', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const sceneRef = '0b7e3f52-6c1d-4e0b-9a51-3f6d2c8e1a90';
    const script = [
      '旁白：深夜的书店里只剩下一盏灯，雨点敲打着玻璃窗，街上已经没有行人了。',
      '欧阳纳兰·星辰·无忌：请问，这本旧诗集是你刚才放在柜台上的吗？扉页上写着一个我很熟悉的名字。',
      '店员小林：是一位老先生寄存的，他说会有人来取，还让我把门铃修好，免得错过来的人。',
      '欧阳纳兰·星辰·无忌：那个名字是我外婆的，她年轻时在这条街上教书，后来搬去了南方。',
      '店员小林：那就对了，老先生说，等门铃响起的时候，把诗集交给第一个念出那句诗的人。',
      '旁白：门铃忽然响了，风把门吹开了一条缝，两个人同时转过头去，看向门外的雨夜。',
    ].join('\n');
    const accepted = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: sceneRef,
      script,
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.data.notes).toEqual([expect.stringMatching(/more than duration_sec 30/)]);
    const task = await waitFor<any>(client, `/api/v1/tasks/${accepted.body.data.task_id}`, finished);
    expect(task).toMatchObject({ status: 'completed', error: null });
    expect(task.notes).toEqual(accepted.body.data.notes);
    expect(task.duration_sec).toBeGreaterThan(30);

    const srt = (await download(app.baseUrl, task.subtitles_url, join(work, 'long.srt'))).toString('utf8');
    const spoken = spokenText(srt);
    const lines = script.split('\n').map((l) => l.slice(l.indexOf('：') + 1));
    for (const line of lines) {
      for (const sentence of line.split(/(?<=[。！？])/)) expect(spoken).toContain(sentence.trim());
    }
    // Speakers are shown by name; the narrator's label and the scene reference never appear.
    expect(srt).toContain('欧阳纳兰·星辰·无忌：');
    expect(srt).toContain('店员小林：');
    expect(srt).not.toContain('旁白');
    expect(srt).not.toContain(sceneRef);
    const probe = await probeDownloaded(app.baseUrl, task.video_url, join(work, 'long.mp4'));
    expect(Math.abs(probe.durationSec - task.duration_sec)).toBeLessThanOrEqual(0.5);
  });

  it("speaks a project scene's own dialogue in its cast's voices when scene_id names it", async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const scenes = await client.post(`/api/v1/projects/${id}/scenes`, {
      episode: 1,
      number: 1,
      title: '书店',
      location: '老城区书店',
      characters: [{ name: '小林', role: '店员' }, { name: '老周' }],
      dialogue: [
        { character: '小林', line: '这本诗集是您寄存的吗？' },
        { character: '老周', line: '是的，等一个人来取。' },
      ],
    });
    expect(scenes.status).toBe(201);
    const accepted = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: scenes.body.data.id,
      duration_sec: 10,
    });
    expect(accepted.status).toBe(202);
    const task = await waitFor<any>(client, `/api/v1/tasks/${accepted.body.data.task_id}`, finished);
    expect(task.status).toBe('completed');
    const srt = (await download(app.baseUrl, task.subtitles_url, join(work, 'scene.srt'))).toString('utf8');
    expect(srt).toContain('小林：这本诗集是您寄存的吗？');
    expect(srt).toContain('老周：是的，等一个人来取。');
    expect(srt).not.toContain(scenes.body.data.id);
  });

  it('refuses a script no clip can hold, with the length it would need', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const long = '程序员小王在深夜的办公室里一行一行地检查着明天就要上线的代码。'.repeat(40);
    const refused = await client.post(`/api/v1/projects/${id}/generate-video`, {
      scene_id: 'scene-1',
      script: long,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.data).toMatchObject({
      error: 'SCRIPT.TOO_LONG',
      field: 'script',
      max_duration_sec: 300,
      needed_duration_sec: expect.any(Number),
    });
    expect(refused.body.data.needed_duration_sec).toBeGreaterThan(300);
    expect(refused.body.message).toMatch(/about \d+ s/);
    const empty = await client.post(`/api/v1/projects/${id}/generate-video`, { scene_id: 'scene-1' });
    expect(empty.status).toBe(400);
    expect(empty.body.data).toMatchObject({ error: 'SCRIPT.EMPTY', field: 'script' });
  });

  it('rejects bad requests before any work starts', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = await project(client);
    const post = (body: Record<string, unknown>) =>
      client.post(`/api/v1/projects/${id}/generate-video`, {
        scene_id: 's',
        script: '北京',
        duration_sec: 10,
        ...body,
      });
    const runway = await post({ video_provider: 'runway' });
    expect([runway.status, runway.body.message]).toEqual([400, expect.stringContaining('video_provider')]);
    expect((await post({ video_provider: 'sora' })).status).toBe(400);
    expect((await post({ image_url: 'ftp://example.com/a.png' })).body.data.errors[0].field).toBe(
      'image_url',
    );
    expect((await post({ duration_sec: 0 })).status).toBe(400);
    expect((await post({ script: '' })).status).toBe(400);
    const other = await registerUser(app.baseUrl, 'other');
    expect(
      (
        await other.client.post(`/api/v1/projects/${id}/generate-video`, {
          scene_id: 's',
          script: 'x',
          duration_sec: 5,
        })
      ).status,
    ).toBe(404);
    expect((await other.client.get('/api/v1/tasks/7d3f9c1e-0000-4000-8000-000000000001')).status).toBe(404);
  });
});

/**
 * The default configuration (no OUTBOUND_ALLOW): image_url never reaches this machine or its network,
 * in any spelling, and the answer does not tell a closed port from a refused address.
 */
describe('image_url under the default outbound policy', () => {
  let app: TestApp;
  let listener: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    listener = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'image/png' }).end();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
    app = await startTestApp({ dialect: 'pglite' });
  });
  afterAll(async () => {
    await app?.close();
    listener?.close();
  });

  it('refuses loopback, private and metadata addresses before any work, and names the field', async () => {
    const { client } = await registerUser(app.baseUrl);
    const id = (
      await client.post('/api/v1/projects', { title: 't', target_episodes: 1, target_duration_sec: 30 })
    ).body.data.id;
    const post = (image_url: string) =>
      client.post(`/api/v1/projects/${id}/generate-video`, {
        scene_id: 's',
        script: '北京',
        duration_sec: 5,
        image_url,
      });
    for (const url of [
      `http://127.0.0.1:${port}/a.png`,
      `http://0x7f000001:${port}/a.png`,
      `http://2130706433:${port}/a.png`,
      `http://[::ffff:127.0.0.1]:${port}/a.png`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/a.png',
    ]) {
      const refused = await post(url);
      expect([url, refused.status, refused.body.message]).toEqual([
        url,
        400,
        expect.stringMatching(/^image_url: .* address, refused$/),
      ]);
    }
    // A name is resolved when the job fetches it: localhost is refused then, without a connection, and
    // with the same words a closed port gets.
    const named = await post(`http://localhost:${port}/a.png`);
    expect(named.status).toBe(202);
    const closed = await post('http://localhost:1/a.png');
    const [a, b] = await Promise.all(
      [named, closed].map((r) => waitFor<any>(client, `/api/v1/tasks/${r.body.data.task_id}`, finished)),
    );
    expect(a.status).toBe('failed');
    expect(a.error).toMatch(/could not be fetched: not reachable, or not an address this server may fetch/);
    expect(b.error.replace(/:\d+\//, '/')).toBe(a.error.replace(/:\d+\//, '/'));
    expect(hits).toBe(0);
  });
});
