import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DIALECTS } from '../../support/databases.js';
import { download, finished, probeDownloaded, smallDrama, waitFor } from '../../support/drama.js';
import { parseSubtitles } from '../../support/media.js';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app.js';

/** A small drama from prompt to MP4, through the real pipeline, on each database. */
describe.each(DIALECTS)('drama pipeline on %s', (dialect) => {
  let app: TestApp;
  const work = mkdtempSync(join(tmpdir(), 'k3s-drama-'));

  beforeAll(async () => {
    app = await startTestApp({ dialect });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('writes, illustrates, voices, subtitles, reviews and assembles 1 episode × 2 scenes', async () => {
    const { client } = await registerUser(app.baseUrl);
    const accepted = await client.post('/api/v1/projects/generate-drama', smallDrama());
    expect(accepted.status).toBe(202);
    expect(accepted.body.data).toMatchObject({ status: 'pending', notes: [] });
    const { drama_id: dramaId, project_id: projectId } = accepted.body.data;

    const progress: number[] = [];
    const drama = await waitFor(client, `/api/v1/dramas/${dramaId}`, (d: any) => {
      progress.push(d.progress);
      return finished(d);
    });
    expect(drama).toMatchObject({ status: 'completed', progress: 100, error: null, stage: null });
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1]!)).toBe(true);
    expect(drama.stages.map((s: any) => [s.name, s.status, s.done, s.total])).toEqual([
      ['script', 'completed', 1, 1],
      ['cast', 'completed', 1, 1],
      ['storyboard', 'completed', 1, 1],
      ['images', 'completed', 2, 2],
      ['video', 'completed', 2, 2],
      ['review', 'completed', 2, 2],
      ['assemble', 'completed', 1, 1],
    ]);
    expect(drama.stages[0].providers).toEqual(['template']);
    // The cast: each character a description, a voice and a portrait of their own.
    expect(drama.cast.length).toBeGreaterThanOrEqual(2);
    const portraits = await Promise.all(
      drama.cast.map(async (c: any, i: number) => {
        expect(c).toMatchObject({ name: expect.any(String), voice: expect.stringMatching(/^zh-/) });
        expect(c.description).toMatch(/上衣的/);
        return (await download(app.baseUrl, c.portrait_url, join(work, `${dialect}-cast${i}.png`))).toString(
          'base64',
        );
      }),
    );
    expect(portraits.every((p) => Buffer.from(p, 'base64').subarray(1, 4).toString() === 'PNG')).toBe(true);
    expect(new Set(portraits).size).toBe(drama.cast.length);
    expect(new Set(drama.cast.map((c: any) => c.description)).size).toBe(drama.cast.length);

    const [episode] = drama.episodes;
    expect(episode).toMatchObject({ number: 1, status: 'completed' });
    const probe = await probeDownloaded(app.baseUrl, episode.video_url, join(work, `${dialect}-ep1.mp4`));
    expect(probe.video).toMatchObject({
      codec: 'h264',
      width: 1280,
      height: 720,
      pixFmt: 'yuv420p',
      sar: '1:1',
    });
    expect(probe.audio?.codec).toBe('aac');
    expect(Math.abs(probe.durationSec - 20)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(episode.duration_sec - 20)).toBeLessThanOrEqual(0.5);
    const srt = (
      await download(app.baseUrl, episode.subtitles_url, join(work, `${dialect}-ep1.srt`))
    ).toString('utf8');
    const cues = parseSubtitles(srt, 'srt');
    expect(cues.length).toBeGreaterThanOrEqual(4);
    expect(cues.every((c) => c.endSec <= 20.01 && c.startSec < c.endSec)).toBe(true);
    expect(srt).toMatch(/[\u4e00-\u9fff]/);
    const vtt = (await download(app.baseUrl, episode.vtt_url, join(work, `${dialect}-ep1.vtt`))).toString(
      'utf8',
    );
    expect(parseSubtitles(vtt, 'vtt')).toHaveLength(cues.length);
    const poster = await download(app.baseUrl, episode.poster_url, join(work, `${dialect}-poster.jpg`));
    expect(poster.subarray(0, 2).toString('hex')).toBe('ffd8');

    const scenes = await client.get(`/api/v1/projects/${projectId}/scenes`);
    expect(scenes.body.data).toHaveLength(2);
    for (const [i, scene] of scenes.body.data.entries()) {
      expect(scene).toMatchObject({ source: 'generated', episode: 1, number: i + 1 });
      expect(scene.characters.length).toBeGreaterThan(0);
      expect(scene.dialogue.length).toBeGreaterThan(0);
      const clip = await probeDownloaded(
        app.baseUrl,
        scene.video_url,
        join(work, `${dialect}-scene${i}.mp4`),
      );
      expect(clip.video).toMatchObject({ width: 1280, height: 720 });
      expect(Math.abs(clip.durationSec - scene.duration_sec)).toBeLessThanOrEqual(0.5);
      const image = await download(app.baseUrl, scene.image_url, join(work, `${dialect}-scene${i}.png`));
      expect(image.subarray(1, 4).toString()).toBe('PNG');
    }
    expect((await client.get(`/api/v1/projects/${projectId}`)).body.data.status).toBe('completed');
    // every job's temp folder is gone
    expect(readdirSync(join(app.dataDir, 'tmp', 'jobs'))).toEqual([]);
  });
});
