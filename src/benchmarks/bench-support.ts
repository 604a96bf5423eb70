import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DATABASE, type Database } from '../application/ports/database.port.js';
import { EVENT_HISTORY, type EventHistory } from '../application/ports/event-history.port.js';
import { EVENT_STORE, type EventStore, type NewEvent } from '../application/ports/event-store.port.js';
import { PROGRESS_HUB, type ProgressHub } from '../application/ports/progress-hub.port.js';
import { ProjectionRunner } from '../infrastructure/projections/projection-runner.js';
import pg from 'pg';

/** The parts of a running process a benchmark seeds, reads or times (hub: API processes only). */
export interface BenchServices {
  db: Database;
  store: EventStore;
  runner: ProjectionRunner;
  history: EventHistory;
  hub: ProgressHub;
}
export function benchServices(app: INestApplicationContext): BenchServices {
  return {
    db: app.get(DATABASE),
    store: app.get(EVENT_STORE),
    runner: app.get(ProjectionRunner),
    history: app.get(EVENT_HISTORY),
    get hub() {
      return app.get<ProgressHub>(PROGRESS_HUB);
    },
  };
}

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

const adminUrl = () =>
  process.env.BENCH_PG_ADMIN_URL ??
  process.env.TEST_PG_ADMIN_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

/** A throw-away PostgreSQL database for one benchmark run. */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `k3s_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
}

export interface ApiAnswer {
  code: number;
  message: string;
  data: any;
}
export type ApiCall = (method: string, path: string, token?: string, body?: unknown) => Promise<ApiAnswer>;

/** Starts listening on a free loopback port and returns a JSON caller for its /api/v1. */
export async function listenForBench(app: {
  listen(port: number, host: string): Promise<unknown>;
  getHttpServer(): { address(): unknown };
}): Promise<ApiCall> {
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
  return async (method, path, token, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return (await response.json()) as ApiAnswer;
  };
}

/** Registers a benchmark user and returns its token. */
export async function benchUserToken(call: ApiCall, email = 'bench@example.com'): Promise<string> {
  const registered = await call('POST', '/auth/register', undefined, {
    username: 'bench',
    email,
    password: 'Test@12345',
  });
  return (registered.data as { token: string }).token;
}

/** A new event with fresh ids and metadata, as a command would append it. */
export const benchEvent = (type: string, data: unknown): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    correlationId: randomUUID(),
    causationId: null,
    userId: null,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
  },
});
