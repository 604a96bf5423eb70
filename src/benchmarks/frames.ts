/**
 * npm run frames — renders the seed's generate-drama example offline (one episode of three scenes, in
 * 16:9 and in 9:16) through the HTTP API and the local providers, and writes a few frames of each and
 * the posters into docs/frames/ (small PNG/JPEG files for the README).
 *
 *   npm run frames [-- --out docs/frames --seconds 60]
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { createHttpApp } from '../http-app.js';
import { loadConfig } from '../infrastructure/config/config.js';
import { mediaBinaries } from '../infrastructure/media/media-binaries.js';
import { benchUserToken, listenForBench } from './bench-support.js';

const run = promisify(execFile);
const option = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] as string) : fallback;
};
const OUT = resolve(option('out', 'docs/frames'));
const SECONDS = Number(option('seconds', '60'));

async function renderEpisode(dataDir: string, aspect: '16:9' | '9:16'): Promise<string[]> {
  const config = loadConfig(
    { DATA_DIR: dataDir, JWT_SECRET: 'frames-secret-frames-secret-frames-secret!', HOST: '127.0.0.1' },
    () => undefined,
  );
  const app = await createHttpApp({ config, logger: pino({ level: 'warn' }) });
  const call = await listenForBench(app);
  try {
    const token = await benchUserToken(call);
    const accepted = await call('POST', '/projects/generate-drama', token, {
      title: '我的网剧',
      description: '一个关于程序员的爱情故事',
      genre: '爱情',
      episodes: 1,
      scenes_per_episode: 3,
      duration_sec: SECONDS,
      prompt: '北京，2024 年，一个 996 的程序员遇见...',
      aspect_ratio: aspect,
      use_local_llm: true,
    });
    if (!accepted.data?.drama_id) throw new Error(`generate-drama: ${accepted.code} ${accepted.message}`);
    for (;;) {
      const drama = (await call('GET', `/dramas/${accepted.data.drama_id}`, token)).data;
      if (drama.status === 'completed') break;
      if (['failed', 'cancelled'].includes(drama.status))
        throw new Error(`drama ${drama.status}: ${drama.error}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return findFiles(dataDir, /episode-[^/]*\.(mp4|jpg)$/);
  } finally {
    await app.close();
  }
}

async function findFiles(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && pattern.test(join(e.parentPath, e.name)))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const ffmpeg = mediaBinaries().ffmpeg;
  for (const aspect of ['16:9', '9:16'] as const) {
    const tag = aspect === '16:9' ? 'landscape' : 'portrait';
    const dir = await mkdtemp(join(tmpdir(), 'k3s-frames-'));
    try {
      const files = await renderEpisode(join(dir, 'data'), aspect);
      const video = files.find((f) => f.endsWith('.mp4'));
      const poster = files.find((f) => f.endsWith('.jpg'));
      if (!video) throw new Error('no episode video was made');
      const width = aspect === '16:9' ? 640 : 360;
      // One frame per scene, mid-dialogue: scenes are SECONDS / 3 long.
      const scene = SECONDS / 3;
      for (const [i, at] of [scene * 0.3, scene * 1.45, scene * 2.6].entries()) {
        await run(ffmpeg, [
          '-v',
          'error',
          '-y',
          '-ss',
          at.toFixed(2),
          '-i',
          video,
          '-frames:v',
          '1',
          '-vf',
          `scale=${width}:-2:flags=lanczos`,
          '-pix_fmt',
          'rgb24',
          join(OUT, `${tag}-${i + 1}.png`),
        ]);
      }
      if (poster) {
        await run(ffmpeg, [
          '-v',
          'error',
          '-y',
          '-i',
          poster,
          '-vf',
          `scale=${width}:-2:flags=lanczos`,
          '-q:v',
          '4',
          join(OUT, `${tag}-poster.jpg`),
        ]);
      }
      console.log(`${aspect}: frames written to ${OUT}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
