/**
 * Append-to-client latency of live progress: N WebSocket clients across P projects on PostgreSQL.
 * Every project appends one progress-relevant event (DramaPaused / DramaResumed) to its drama per
 * interval (BENCH_INTERVAL_MS, default 1 s), staggered evenly, so 100 projects make a steady 100 events/s
 * and 1,000 deliveries/s; every client of that project records when its message arrives. Latency is
 * arrival minus the moment the append was issued: event store commit, read-model projection, the
 * publisher's checkpoint CAS, hub fan-out and the socket write. The baseline is the same run with one
 * client on one project. Clients live in the server's process (one event loop for both): the numbers
 * include the clients' own parsing.
 *
 *   npm run bench:realtime            (a throw-away database on the local server)
 *   DATABASE_URL=postgres://… npm run bench:realtime
 *   BENCH_CLIENTS=1000 BENCH_PROJECTS=100 BENCH_ROUNDS=20 BENCH_INTERVAL_MS=1000 npm run bench:realtime
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { WebSocket } from 'ws';
import { createHttpApp } from '../http-app.js';
import { loadConfig } from '../infrastructure/config/config.js';
import { JoseTokenService } from '../infrastructure/identity/jose.token-service.js';
import { SqlUserRepository } from '../infrastructure/identity/sql.user-repository.js';
import { ProjectorsModule } from '../modules/projectors.module.js';
import {
  benchEvent,
  benchServices,
  type BenchServices,
  percentile,
  printTable,
  round,
  scratchDatabase,
} from './bench-support.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const event = benchEvent;

interface Project {
  id: string;
  owner: string;
  dramaStream: string;
  token: string;
  paused: boolean;
}

async function seedProjects(
  services: BenchServices,
  tokens: JoseTokenService,
  count: number,
): Promise<Project[]> {
  const now = new Date().toISOString();
  const users = new SqlUserRepository(services.db);
  const projects: Project[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const owner = randomUUID();
    const dramaId = randomUUID();
    // A real user row: the server checks every token's epoch against it.
    await users.insert({
      id: owner,
      username: 'bench',
      email: `${owner}@bench.local`,
      passwordHash: 'not-a-hash',
      role: 'user',
      createdAt: now,
      updatedAt: now,
      webhookSecretCreatedAt: null,
      tokenEpoch: 0,
    });
    await services.store.appendToStream(`project-${id}`, [
      event('ProjectCreated', {
        projectId: id,
        ownerId: owner,
        title: `bench ${i}`,
        description: '',
        genre: '',
        targetEpisodes: 1,
        targetDurationSec: 60,
        createdAt: now,
      }),
    ]);
    await services.store.appendToStream(`drama-${dramaId}`, [
      event('DramaRequested', {
        dramaId,
        projectId: id,
        ownerId: owner,
        kind: 'drama',
        requestedAt: now,
        request: {
          kind: 'drama',
          title: `bench ${i}`,
          description: '',
          genre: '',
          episodes: 1,
          scenesPerEpisode: 2,
          episodeDurationSec: 20,
          prompt: 'bench',
          aspectRatio: '16:9',
          useLocalLlm: true,
          providers: { video: 'local', image: 'local', tts: 'local' },
        },
      }),
    ]);
    const token = await tokens.issue({ sub: owner, email: `${owner}@bench.local`, epoch: 0 });
    projects.push({ id, owner, dramaStream: `drama-${dramaId}`, token, paused: false });
  }
  return projects;
}

async function connect(baseUrl: string, project: Project, onMessage: (position: number) => void) {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/projects/${project.id}/progress`, {
    headers: { authorization: `Bearer ${project.token}` },
  });
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; position: number };
      if (message.type === 'subscribed') resolve();
      else onMessage(message.position);
    });
    socket.on('close', (code, reason) => reject(new Error(`closed ${code} ${String(reason)}`)));
    socket.on('error', reject);
  });
  return socket;
}

async function scenario(
  services: BenchServices,
  baseUrl: string,
  tokens: JoseTokenService,
  clients: number,
  projectCount: number,
  rounds: number,
  intervalMs: number,
) {
  const projects = await seedProjects(services, tokens, projectCount);
  const head = await services.store.headPosition();
  for (const name of services.runner.names) await services.runner.waitFor(name, head, 60_000);
  const arrivals = new Map<number, number[]>();
  // Where the time goes: commit, the dramas read model (the slowest) applied, handed to the hub (in-process subscriber).
  const stages = {
    committed: new Map<number, number>(),
    projected: new Map<number, number>(),
    published: new Map<number, number>(),
  };
  const stopProjected = services.runner.onProjected((batch) => {
    if (batch.projection !== 'dramas') return;
    for (const e of batch.events) stages.projected.set(e.globalPosition, performance.now());
  });
  const unsubscribeHub = await Promise.all(
    projects.map((p) =>
      services.hub.subscribe(p.id, (m) => stages.published.set(m.position, performance.now())),
    ),
  );
  const sockets: WebSocket[] = [];
  for (let i = 0; i < clients; i += 100) {
    const batch = Array.from(
      { length: Math.min(100, clients - i) },
      (_, k) => projects[(i + k) % projectCount]!,
    );
    sockets.push(
      ...(await Promise.all(
        batch.map((p) =>
          connect(baseUrl, p, (position) => {
            const list = arrivals.get(position) ?? [];
            list.push(performance.now());
            arrivals.set(position, list);
          }),
        ),
      )),
    );
  }
  const perProject = projects.map(
    (_, i) => Math.floor(clients / projectCount) + (i < clients % projectCount ? 1 : 0),
  );
  const sentAt = new Map<number, { at: number; expected: number }>();
  // A steady stream: every project appends once per interval, staggered evenly across it.
  const spacing = intervalMs / projectCount;
  const started = performance.now();
  const appends: Promise<void>[] = [];
  for (let k = 0; k < rounds * projectCount; k++) {
    const wait = started + k * spacing - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const i = k % projectCount;
    const project = projects[i]!;
    project.paused = !project.paused;
    const at = performance.now();
    appends.push(
      services.store
        .appendToStream(project.dramaStream, [
          project.paused
            ? event('DramaPaused', { pausedAt: new Date().toISOString(), by: project.owner })
            : event('DramaResumed', { resumedAt: new Date().toISOString(), by: project.owner }),
        ])
        .then((result) => {
          sentAt.set(result.lastPosition, { at, expected: perProject[i]! });
          stages.committed.set(result.lastPosition, performance.now());
        }),
    );
  }
  await Promise.all(appends);
  const expected = [...sentAt.values()].reduce((n, s) => n + s.expected, 0);
  const deadline = Date.now() + 30_000;
  const received = () => [...sentAt.keys()].reduce((n, p) => n + (arrivals.get(p)?.length ?? 0), 0);
  while (received() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const latencies: number[] = [];
  for (const [position, { at }] of sentAt)
    for (const t of arrivals.get(position) ?? []) latencies.push(t - at);
  latencies.sort((a, b) => a - b);
  for (const socket of sockets) socket.terminate();
  stopProjected();
  for (const unsubscribe of unsubscribeHub) unsubscribe();
  const stageP50 = (map: Map<number, number>) =>
    round(
      percentile(
        [...sentAt].flatMap(([p, { at }]) => (map.has(p) ? [map.get(p)! - at] : [])).sort((a, b) => a - b),
        50,
      ),
    );
  return {
    clients,
    projects: projectCount,
    events: sentAt.size,
    deliveries: `${latencies.length}/${expected}`,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? NaN),
    'p50 committed': stageP50(stages.committed),
    'p50 dramas read model': stageP50(stages.projected),
    'p50 published': stageP50(stages.published),
  };
}

async function main() {
  const clients = env('BENCH_CLIENTS', 1000);
  const projectCount = env('BENCH_PROJECTS', 100);
  const rounds = env('BENCH_ROUNDS', 20);
  const intervalMs = env('BENCH_INTERVAL_MS', 1000);
  const scratch = process.env.DATABASE_URL ? null : await scratchDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'k3s-bench-rt-'));
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      DATABASE_URL: process.env.DATABASE_URL ?? scratch!.url,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
      HOST: '127.0.0.1',
      RUN_WORKERS: 'false',
    },
    () => undefined,
  );
  const app = await createHttpApp({ config, logger: pino({ level: 'warn' }) }, [ProjectorsModule]);
  const services = benchServices(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  const tokens = new JoseTokenService(config.JWT_SECRET, 3600);
  try {
    const baseline = await scenario(services, baseUrl, tokens, 1, 1, rounds * 5, intervalMs / 10);
    const loaded = await scenario(services, baseUrl, tokens, clients, projectCount, rounds, intervalMs);
    printTable('Append-to-client latency (ms), WebSocket, PostgreSQL', [baseline, loaded]);
    console.log(
      `\np99 ratio ${clients} clients / 1 client: ${round(loaded.p99 / baseline.p99, 2)} ` +
        `(p50 ratio ${round(loaded.p50 / baseline.p50, 2)}); goal p99 <= 100 ms: ${loaded.p99 <= 100 ? 'met' : 'missed'}`,
    );
  } finally {
    await app.close();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
