/**
 * npm run bench:drama — the seed's generate-drama example (5 episodes × 3 scenes, 120 s per episode:
 * 600 s of finished video) on the embedded default and the local providers, through the HTTP API as a
 * creator would post it. Reports wall time per stage, the total, the realtime factor (seconds of video
 * per second of wall time), and the same ratio for a bare ffmpeg encode of the same 600 s with the same
 * encoder settings, measured in this run: once as one stream, once as two streams at a time (one per
 * core, as the pipeline renders scenes). Our time ÷ the two-stream bare time is the orchestration overhead.
 *
 *   npm run bench:drama [-- --episodes 5 --scenes 3 --seconds 120 --resolution 1080p]
 * The baseline is encoded at the drama's own frame size (1280×720, or 1920×1080 with --resolution 1080p).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { frameSize, type Resolution } from '../application/ports/ai-providers.port.js';
import { createHttpApp } from '../http-app.js';
import { loadConfig } from '../infrastructure/config/config.js';
import { bareEncode } from '../infrastructure/media/bare-encode.js';
import { renderPhaseTotals } from '../infrastructure/media/render-profile.js';
import { benchServices, benchUserToken, listenForBench, printTable, round, timed } from './bench-support.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const EPISODES = arg('episodes', 5);
const SCENES = arg('scenes', 3);
const SECONDS = arg('seconds', 120);
const TOTAL = EPISODES * SECONDS;
const RESOLUTION: Resolution = process.argv.includes('--resolution')
  ? (process.argv[process.argv.indexOf('--resolution') + 1] as Resolution)
  : '720p';
const FRAME = frameSize('16:9', RESOLUTION);

/** CPU seconds of this process (all threads: Node) and of its waited-for children (ffmpeg), from /proc. */
function cpuSplit(): { node: number; children: number } {
  const own = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const childTicks = Number(fields[13] ?? 0) + Number(fields[14] ?? 0); // cutime, cstime
  return { node: (own.user + own.system) / 1e6, children: childTicks / 100 };
}

function cpuSeconds(): number {
  const { node, children } = cpuSplit();
  return node + children;
}

async function withCpu<T>(work: () => Promise<T>): Promise<T & { cpu: number }> {
  const before = cpuSeconds();
  const result = await work();
  return { ...result, cpu: cpuSeconds() - before };
}

async function runDrama(dataDir: string) {
  const config = loadConfig(
    { DATA_DIR: dataDir, JWT_SECRET: 'bench-secret-bench-secret-bench-secret!', HOST: '127.0.0.1' },
    () => undefined,
  );
  const app = await createHttpApp({ config, logger: pino({ level: 'warn' }) });
  const call = await listenForBench(app);
  try {
    const token = await benchUserToken(call);
    const cpuAtStart = cpuSplit();
    const started = performance.now();
    const accepted = await call('POST', '/projects/generate-drama', token, {
      title: '我的网剧',
      description: '一个关于程序员的爱情故事',
      genre: '爱情',
      episodes: EPISODES,
      scenes_per_episode: SCENES,
      duration_sec: SECONDS,
      prompt: '北京，2024 年，一个 996 的程序员遇见...',
      video_provider: 'runway',
      use_local_llm: true,
      resolution: RESOLUTION,
    });
    if (accepted.code !== 0) throw new Error(accepted.message);
    let drama;
    for (;;) {
      drama = (await call('GET', `/dramas/${accepted.data.drama_id}`, token)).data;
      if (['completed', 'failed', 'cancelled'].includes(drama.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const wall = (performance.now() - started) / 1000;
    const finishedAt = Date.now();
    const cpuAtEnd = cpuSplit();
    const cpu = {
      node: cpuAtEnd.node - cpuAtStart.node,
      children: cpuAtEnd.children - cpuAtStart.children,
    };
    if (drama.status !== 'completed') throw new Error(`drama ${drama.status}: ${drama.error}`);
    const events = await benchServices(app).store.readStream(`drama-${accepted.data.drama_id}`);
    const stages = new Map<string, { first: number; last: number; jobs: number; busyMs: number }>();
    const jobs = new Map<string, string>();
    let firstJob = Infinity;
    let busyMs = 0;
    for (const e of events as { type: string; data: any; recordedAt: string }[]) {
      const at = Date.parse(e.recordedAt);
      if (e.type === 'JobScheduled') jobs.set(e.data.jobId, e.data.stage);
      const stage =
        e.type === 'JobStarted' ? jobs.get(e.data.jobId) : e.type === 'StageCompleted' ? e.data.stage : null;
      if (!stage) continue;
      const entry = stages.get(stage) ?? { first: at, last: at, jobs: 0, busyMs: 0 };
      entry.first = Math.min(entry.first, at);
      entry.last = Math.max(entry.last, at);
      if (e.type === 'JobStarted') firstJob = Math.min(firstJob, at);
      if (e.type === 'StageCompleted') {
        entry.jobs++;
        entry.busyMs += e.data.durationMs;
        busyMs += e.data.durationMs;
      }
      stages.set(stage, entry);
    }
    const videoSec = drama.episodes.reduce((sum: number, e: any) => sum + e.duration_sec, 0);
    // Workers busy ÷ workers available, from the first job's start to the end.
    const jobSpanSec = (finishedAt - firstJob) / 1000;
    const utilisation = busyMs / 1000 / (config.WORKER_CONCURRENCY * jobSpanSec);
    return {
      wall,
      cpu: cpu.node + cpu.children,
      cpuSplit: cpu,
      stages,
      videoSec,
      utilisation,
      notes: accepted.data.notes as string[],
    };
  } finally {
    await app.close();
  }
}

async function main() {
  console.log(`bench:drama on ${cpus().length} cores (${cpus()[0]?.model}), node ${process.version}`);
  console.log(
    `${EPISODES} episodes × ${SCENES} scenes × ${SECONDS} s per episode = ${TOTAL} s of video at ${RESOLUTION} (${FRAME.width}×${FRAME.height})\n`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'k3s-bench-drama-'));
  try {
    const streams = Math.min(2, availableParallelism());
    const bareStreams = (tag: string) =>
      withCpu(async () => ({
        ...(await timed(() =>
          Promise.all(
            Array.from({ length: streams }, (_, i) =>
              bareEncode({
                durationSec: TOTAL / streams,
                ...FRAME,
                outPath: join(dir, `bare-${tag}-${i}.mp4`),
              }),
            ),
          ),
        )),
      }));
    // The two-stream baseline before and after our run, so load that comes or goes meanwhile is shared.
    const before = await bareStreams('before');
    const ours = await runDrama(join(dir, 'data'));
    const after = await bareStreams('after');
    const single = await withCpu(async () => ({
      ...(await timed(() => bareEncode({ durationSec: TOTAL, ...FRAME, outPath: join(dir, 'bare.mp4') }))),
    }));
    const parallel = { seconds: (before.seconds + after.seconds) / 2, cpu: (before.cpu + after.cpu) / 2 };
    printTable(
      'wall time per stage (first job started → last result recorded; stages overlap only at their edges)',
      [...ours.stages.entries()].map(([stage, s]) => ({
        stage,
        jobs: s.jobs,
        seconds: round((s.last - s.first) / 1000, 2),
        'job seconds (sum)': round(s.busyMs / 1000, 2),
      })),
    );
    const phases = renderPhaseTotals();
    printTable(`inside the ${phases.renders} scene renders (wall seconds, summed; two renders run at once)`, [
      { phase: 'speech + music', seconds: round(phases.speechSec, 2) },
      { phase: 'mix, loudness, files', seconds: round(phases.audioSec, 2) },
      { phase: 'ffmpeg encode (+ render facts)', seconds: round(phases.encodeSec, 2) },
    ]);
    printTable('total', [
      {
        run: 'our pipeline (HTTP request → 5 MP4 episodes)',
        seconds: round(ours.wall, 1),
        'CPU seconds': round(ours.cpu, 1),
        'realtime factor': round(ours.videoSec / ours.wall, 1),
      },
      {
        run: `bare ffmpeg encode, 1 stream of ${TOTAL} s`,
        seconds: round(single.seconds, 1),
        'CPU seconds': round(single.cpu, 1),
        'realtime factor': round(TOTAL / single.seconds, 1),
      },
      {
        run: `bare ffmpeg encode, ${streams} streams at once, before ours`,
        seconds: round(before.seconds, 1),
        'CPU seconds': round(before.cpu, 1),
        'realtime factor': round(TOTAL / before.seconds, 1),
      },
      {
        run: `bare ffmpeg encode, ${streams} streams at once, after ours`,
        seconds: round(after.seconds, 1),
        'CPU seconds': round(after.cpu, 1),
        'realtime factor': round(TOTAL / after.seconds, 1),
      },
    ]);
    console.log(
      `\nworkers busy ${round(100 * ours.utilisation, 0)} % of the time from the first job to the last result`,
    );
    console.log(
      `overhead: ours ÷ bare (${streams} streams, mean of before and after) = ${round(ours.wall / parallel.seconds, 2)} (${round(ours.wall / before.seconds, 2)} against before, ${round(ours.wall / after.seconds, 2)} against after); ours ÷ bare (1 stream) = ${round(ours.wall / single.seconds, 2)}; CPU seconds ours ÷ bare (${streams} streams) = ${round(ours.cpu / parallel.cpu, 2)}`,
    );
    // What the ratio is made of: the ffmpeg children alone against the baseline (which is only ffmpeg),
    // and this process (event store, speech, music, pictures, HTTP) on top.
    console.log(
      `CPU seconds of ours: ffmpeg/ffprobe children ${round(ours.cpuSplit.children, 1)} (÷ bare ${streams} streams = ${round(ours.cpuSplit.children / parallel.cpu, 2)}), this Node process ${round(ours.cpuSplit.node, 1)} (÷ bare = ${round(ours.cpuSplit.node / parallel.cpu, 2)})`,
    );
    console.log(
      `seed target ≤ 300 s: ${ours.wall <= 300 ? 'met' : 'NOT met'}; goal ≤ 60 s: ${ours.wall <= 60 ? 'met' : 'NOT met'}`,
    );
    if (ours.notes.length > 0) console.log(`notes: ${ours.notes.join('; ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
