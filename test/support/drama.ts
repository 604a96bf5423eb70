import { writeFile } from 'node:fs/promises';
import { probeMedia, type MediaProbe } from '../../src/infrastructure/media/probe.js';
import type { api } from './test-app.js';

type Client = ReturnType<typeof api>;

export const smallDrama = (overrides: Record<string, unknown> = {}) => ({
  title: '我的网剧',
  description: '一个关于程序员的爱情故事',
  genre: '爱情',
  episodes: 1,
  scenes_per_episode: 2,
  duration_sec: 20,
  prompt: '北京，2024 年，一个 996 的程序员遇见了设计部的同事',
  video_provider: 'local',
  use_local_llm: true,
  ...overrides,
});

/** Polls GET /dramas/:id (or /tasks/:id) until `until` holds; fails with the last state seen. */
export async function waitFor<T = any>(
  client: Client,
  path: string,
  until: (data: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const response = await client.get(path);
    last = response.body;
    if (response.status === 200 && until(response.body.data as T)) return response.body.data as T;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting on ${path}; last answer: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const finished = (d: any) => ['completed', 'failed', 'cancelled'].includes(d.status);

/** Downloads a media URL the API returned (relative to the server, or absolute) into `path`. */
export async function download(baseUrl: string, url: string, path: string): Promise<Buffer> {
  const response = await fetch(url.startsWith('http') ? url : `${baseUrl}${url}`);
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  await writeFile(path, bytes);
  return bytes;
}

export async function probeDownloaded(baseUrl: string, url: string, path: string): Promise<MediaProbe> {
  await download(baseUrl, url, path);
  return probeMedia(path);
}
