/**
 * 50 logins at once against the real HTTP app (embedded PGlite), password hashing on the event loop
 * (PASSWORD_HASH_THREADS=0) against the worker pool, measured in the same run: the event loop's delay
 * (what every other request waits) while the logins run, the logins' own latency, and the latency of a
 * GET /health sent every 20 ms meanwhile (what another user notices). Medians of `--rounds` rounds.
 *
 *   npm run bench:auth [-- --logins 50 --rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { createHttpApp } from '../http-app.js';
import { loadConfig } from '../infrastructure/config/config.js';
import { ProjectorsModule } from '../modules/projectors.module.js';
import { percentile, printTable, round } from './bench-support.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const LOGINS = arg('logins', 50);
const ROUNDS = arg('rounds', 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Round {
  loopP99: number;
  loopMax: number;
  loginP50: number;
  loginP99: number;
  probeP99: number;
  wallMs: number;
}

async function measure(threads: number): Promise<Round[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k3s-bench-auth-'));
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
      HOST: '127.0.0.1',
      PASSWORD_HASH_THREADS: String(threads),
      RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000',
    },
    () => undefined,
  );
  const app = await createHttpApp({ config, logger: pino({ level: 'warn' }) }, [ProjectorsModule]);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  try {
    const emails = Array.from({ length: LOGINS }, (_, i) => `bench-${i}@example.com`);
    for (const email of emails) {
      const answer = await post('/auth/register', { username: 'bench', email, password: 'Test@12345' });
      if (answer.status !== 201) throw new Error(`register: ${answer.status} ${await answer.text()}`);
    }
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS + 1; r++) {
      const loop = monitorEventLoopDelay({ resolution: 5 });
      const probes: number[] = [];
      let burstDone = false;
      const prober = (async () => {
        while (!burstDone) {
          const started = performance.now();
          await fetch(`${base}/health`);
          probes.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      loop.enable();
      const started = performance.now();
      const latencies = await Promise.all(
        emails.map(async (email) => {
          const t = performance.now();
          const answer = await post('/auth/login', { email, password: 'Test@12345' });
          if (answer.status !== 200) throw new Error(`login: ${answer.status} ${await answer.text()}`);
          await answer.arrayBuffer();
          return performance.now() - t;
        }),
      );
      const wallMs = performance.now() - started;
      loop.disable();
      burstDone = true;
      await prober;
      if (r === 0) continue; // warm-up: worker start, JIT
      latencies.sort((a, b) => a - b);
      probes.sort((a, b) => a - b);
      rounds.push({
        loopP99: loop.percentile(99) / 1e6,
        loopMax: loop.max / 1e6,
        loginP50: percentile(latencies, 50),
        loginP99: percentile(latencies, 99),
        probeP99: percentile(probes, 99),
        wallMs,
      });
    }
    return rounds;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const pool = Math.min(2, availableParallelism());
  const results: [string, Round][] = [];
  for (const [label, threads] of [
    ['event loop (PASSWORD_HASH_THREADS=0)', 0],
    [`worker pool (${pool} threads)`, pool],
  ] as const) {
    const rounds = await measure(threads);
    const pick = (key: keyof Round) => median(rounds.map((x) => x[key]));
    results.push([
      label,
      {
        loopP99: pick('loopP99'),
        loopMax: pick('loopMax'),
        loginP50: pick('loginP50'),
        loginP99: pick('loginP99'),
        probeP99: pick('probeP99'),
        wallMs: pick('wallMs'),
      },
    ]);
  }
  printTable(
    `${LOGINS} concurrent logins, medians of ${ROUNDS} rounds (ms), ${availableParallelism()} cores`,
    results.map(([hashing, r]) => ({
      hashing,
      'loop delay p99': round(r.loopP99),
      'loop delay max': round(r.loopMax),
      'login p50': round(r.loginP50),
      'login p99': round(r.loginP99),
      '/health p99 meanwhile': round(r.probeP99),
      'all 50 done': round(r.wallMs),
    })),
  );
  const [inline, pooled] = [results[0]![1], results[1]![1]];
  console.log(
    `\nevent-loop delay p99, pool / event loop: ${round(pooled.loopP99 / inline.loopP99, 3)}; ` +
      `/health p99: ${round(pooled.probeP99 / inline.probeP99, 3)}; all logins: ${round(pooled.wallMs / inline.wallMs, 2)}`,
  );
}

await main();
