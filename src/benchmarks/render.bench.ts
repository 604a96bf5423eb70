/**
 * Media toolkit benchmark: a 30 s 720p scene in text mode, in image mode and as a composed picture
 * (backdrop + three characters, the speaker highlighted; 8 dialogue lines, three voices) against a bare encode of the same duration and encoder settings; then both scenes rendered at
 * once (a scene uses one core: x264 runs single-threaded, speech runs on worker threads) against a bare
 * encode of their summed 60 s, which is how a drama's scenes are meant to be rendered on two cores.
 *
 *   npx swc src -d dist --quiet && node dist/src/benchmarks/render.bench.js [--runs 3] [--seconds 30]
 *
 * Runs are interleaved (bare, text, image, bare, …) so load from other processes hits all three alike;
 * medians are reported. CPU seconds (this process, its TTS worker threads and the ffmpeg children) are
 * printed beside wall seconds because on a shared machine they are the steadier number.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareEncode } from '../infrastructure/media/bare-encode.js';
import { LocalTts } from '../infrastructure/media/local-tts.js';
import { probeMedia } from '../infrastructure/media/probe.js';
import { renderScene, type DialogueLine, type SceneOutput } from '../infrastructure/media/scene-renderer.js';
import { renderStoryboardCard } from '../infrastructure/media/storyboard-card.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = arg('runs', 3);
const SECONDS = arg('seconds', 30);
const WIDTH = 1280;
const HEIGHT = 720;

const DIALOGUE: DialogueLine[] = [
  { speaker: '林晓', text: '王总，版本还没测完。', voice: 'zh-female-1' },
  { speaker: '王总', text: '今晚必须上线。', voice: 'zh-male-2' },
  { speaker: '林晓', text: '数据库迁移还没验证。', voice: 'zh-female-1' },
  { speaker: '老张', text: '年轻人，先喝口茶。', voice: 'zh-elder' },
  { speaker: '王总', text: '明早九点，我要结果。', voice: 'zh-male-2' },
  { speaker: '林晓', text: '好，我今晚加班。', voice: 'zh-female-1' },
  { speaker: '老张', text: '我陪你一起。', voice: 'zh-elder' },
  { speaker: '王总', text: '辛苦了，大家。', voice: 'zh-male-2' },
];

/** CPU seconds of this process (all threads: TTS workers included) and of its waited-for children, from /proc. */
function cpuSeconds(): { own: number; children: number } {
  const own = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const childTicks = Number(fields[13] ?? 0) + Number(fields[14] ?? 0); // cutime, cstime
  return { own: (own.user + own.system) / 1e6, children: childTicks / 100 };
}

interface Measured<T> {
  wall: number;
  cpu: number;
  ownCpu: number;
  result: T;
}

async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  const result = await work();
  const cpu1 = cpuSeconds();
  const ownCpu = cpu1.own - cpu0.own;
  return {
    wall: (performance.now() - t0) / 1000,
    cpu: ownCpu + cpu1.children - cpu0.children,
    ownCpu,
    result,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const f2 = (n: number) => n.toFixed(2);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), '3kstory-render-bench-'));
  const tts = new LocalTts();
  try {
    const warm = await measure(() => tts.warmUp());
    const speech: Measured<unknown>[] = [];
    for (let i = 0; i < 3; i++) {
      speech.push(
        await measure(() => tts.speakMany(DIALOGUE.map((line) => ({ text: line.text, voice: line.voice })))),
      );
    }
    const card = await measure(() =>
      renderStoryboardCard({
        width: WIDTH,
        height: HEIGHT,
        title: '第1集 第2场 · 北京写字楼 · 夜',
        lines: ['深夜的写字楼里灯火通明，林晓盯着屏幕上的报错。', '王总推门而入，身后跟着端着茶杯的老张。'],
        seed: 42,
        outPath: join(dir, 'card.png'),
      }),
    );
    const scene = (mode: 'text' | 'image' | 'picture', run: number) =>
      renderScene({
        outputDir: dir,
        basename: `${mode}-${run}`,
        width: WIDTH,
        height: HEIGHT,
        durationSec: SECONDS,
        mode: mode === 'picture' ? 'image' : mode,
        imagePath: join(dir, 'card.png'),
        // Composed: backdrop + three characters, one still per speaker state; a new place text per run
        // so the backdrop cache never helps.
        ...(mode === 'picture' && {
          picture: {
            setting: { place: `北京写字楼 ${run}`, timeOfDay: 'night' as const },
            characters: [
              { name: '林晓', description: '黑框眼镜、格子衬衫' },
              { name: '王总', description: '剪裁考究的西装' },
              { name: '老张', description: '旧毛衣' },
            ],
          },
        }),
        heading: '第1集 第2场 · 北京写字楼 · 夜',
        narration: '深夜的写字楼里灯火通明，林晓盯着屏幕上的报错，王总推门而入。',
        dialogue: DIALOGUE,
        musicSeed: 1000 + run,
        mood: 'tense',
        tts,
      });
    type Case = 'bare' | 'text' | 'image' | 'picture' | 'bare2x' | 'pair';
    const rows: Record<Case, Measured<unknown>[]> = {
      bare: [],
      text: [],
      image: [],
      picture: [],
      bare2x: [],
      pair: [],
    };
    const scenes: SceneOutput[] = []; // single-scene runs only, for the phase breakdown
    for (let run = 0; run < RUNS; run++) {
      rows.bare.push(
        await measure(() =>
          bareEncode({
            durationSec: SECONDS,
            width: WIDTH,
            height: HEIGHT,
            outPath: join(dir, `bare-${run}.mp4`),
          }),
        ),
      );
      for (const mode of ['text', 'image', 'picture'] as const) {
        const m = await measure(() => scene(mode, run));
        rows[mode].push(m);
        scenes.push(m.result);
      }
      rows.bare2x.push(
        await measure(() =>
          bareEncode({
            durationSec: 2 * SECONDS,
            width: WIDTH,
            height: HEIGHT,
            outPath: join(dir, `bare2x-${run}.mp4`),
          }),
        ),
      );
      rows.pair.push(
        await measure(() => Promise.all([scene('text', RUNS + run), scene('image', RUNS + run)])),
      );
    }
    const probe = await probeMedia(join(dir, 'image-0.mp4'));
    console.log(`render benchmark: ${SECONDS} s at ${WIDTH}×${HEIGHT}, ${RUNS} interleaved runs, medians`);
    console.log(`  probe: ${JSON.stringify(probe)}`);
    console.log(`  TTS warm-up (once per process): ${f2(warm.wall)} s; storyboard card: ${f2(card.wall)} s`);
    console.log('  case     video s   wall s   cpu s (node)   realtime×   wall/bare   cpu/bare');
    const cases: [Case, number, Case][] = [
      ['bare', SECONDS, 'bare'],
      ['text', SECONDS, 'bare'],
      ['image', SECONDS, 'bare'],
      ['picture', SECONDS, 'bare'],
      ['bare2x', 2 * SECONDS, 'bare2x'],
      ['pair', 2 * SECONDS, 'bare2x'],
    ];
    for (const [name, videoSec, baseline] of cases) {
      const wall = median(rows[name].map((r) => r.wall));
      const cpu = median(rows[name].map((r) => r.cpu));
      const own = median(rows[name].map((r) => r.ownCpu));
      const baseWall = median(rows[baseline].map((r) => r.wall));
      const baseCpu = median(rows[baseline].map((r) => r.cpu));
      console.log(
        `  ${name.padEnd(7)} ${String(videoSec).padStart(7)} ${f2(wall).padStart(8)} ${f2(cpu).padStart(7)} (${f2(own)}) ${f2(videoSec / wall).padStart(10)} ${f2(wall / baseWall).padStart(11)} ${f2(cpu / baseCpu).padStart(10)}`,
      );
    }
    const phase = (key: keyof SceneOutput['timings']) => f2(median(scenes.map((s) => s.timings[key])));
    const ms = (seconds: number) => `${Math.round(seconds * 1000)} ms`;
    console.log(
      `  single-scene phases (wall s): speech+music ${phase('speechSec')}, mix+files ${phase('audioSec')}, encode ${phase('encodeSec')}; ` +
        `spoken at ${f2(scenes[0]?.speechSpeed ?? 1)}×, dropped ${scenes[0]?.droppedLines.length ?? 0}`,
    );
    console.log(
      `  TTS, ${DIALOGUE.length} lines in 3 voices: ${ms(median(speech.map((m) => m.wall)))} wall, ` +
        `${ms(median(speech.map((m) => m.cpu)))} CPU, ${ms(median(speech.map((m) => m.wall)) / DIALOGUE.length)} wall per line`,
    );
  } finally {
    await tts.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
