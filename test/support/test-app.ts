import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { ConsumerEngine } from '../../src/application/consumers/consumer-engine.js';
import { BLOB_STORE, type BlobStore } from '../../src/application/ports/blob-store.port.js';
import { DATABASE, type Database } from '../../src/application/ports/database.port.js';
import { EVENT_HISTORY, type EventHistory } from '../../src/application/ports/event-history.port.js';
import { EVENT_STORE, type EventStore } from '../../src/application/ports/event-store.port.js';
import { createHttpApp } from '../../src/http-app.js';
import { type AppConfig, loadConfig } from '../../src/infrastructure/config/config.js';
import { MediaUrlSigner } from '../../src/infrastructure/media-store/media-url-signer.js';
import type { ScrapeSources } from '../../src/infrastructure/observability/scrape.js';
import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import type { ProcessSettings } from '../../src/modules/core.module.js';
import { SCRAPE_SOURCES } from '../../src/modules/profiles.js';
import { createPostgresDatabaseUrl, type Dialect } from './databases.js';
import { seedPgliteDir } from './pglite-template.js';
import { testLogger } from './logger.js';

/** What suites reach into besides HTTP, taken from the app's modules. */
export interface AppServices {
  config: AppConfig;
  db: Database;
  store: EventStore;
  history: EventHistory;
  runner: ProjectionRunner;
  blobs: BlobStore;
  mediaSigner: MediaUrlSigner;
  consumers: ConsumerEngine;
  metrics: ScrapeSources;
}

export interface TestApp extends AppServices {
  baseUrl: string;
  app: NestExpressApplication;
  dataDir: string;
  databaseUrl?: string;
  close(): Promise<void>;
}

/** Starts the real app on a free port, as `npm start` would, on PGlite or on a fresh PostgreSQL database. */
export async function startTestApp(
  options: {
    dialect: Dialect;
    dataDir?: string;
    databaseUrl?: string;
    env?: Record<string, string>;
    /** e.g. a logger writing into a capture stream (default: silent, see logger.ts). */
    logger?: Logger;
    /** Read models, realtime limits: see ProcessSettings. */
    settings?: ProcessSettings;
    /** The modules that follow the log (default API_FOLLOWERS; e.g. [ProjectorsModule]: no pipeline). */
    followers?: readonly Type[];
  } = {
    dialect: 'pglite',
  },
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'k3s-app-'));
  if (options.dialect === 'pglite') seedPgliteDir(join(dataDir, 'pglite'));
  const databaseUrl =
    options.dialect === 'postgres' ? (options.databaseUrl ?? (await createPostgresDatabaseUrl())) : undefined;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      SERVER_PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      // Test files register many users from 127.0.0.1; the rate-limit tests set their own limits.
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '100000',
      RATE_LIMIT_GENERATION_PER_HOUR: '100000',
      RATE_LIMIT_GENERATION_PER_IP_PER_HOUR: '100000',
      // Fair-use limits likewise: suites that test them set their own.
      LIMIT_CONCURRENT_DRAMAS: '0',
      LIMIT_QUEUED_VIDEO_SEC: '0',
      LIMIT_SCENES_PER_REQUEST: '0',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...options.env,
    },
    () => undefined,
  );
  const app = await createHttpApp(
    { config, logger: options.logger ?? testLogger(), settings: options.settings },
    options.followers,
  );
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    config,
    db: app.get(DATABASE),
    store: app.get(EVENT_STORE),
    history: app.get(EVENT_HISTORY),
    runner: app.get(ProjectionRunner),
    blobs: app.get(BLOB_STORE),
    mediaSigner: app.get(MediaUrlSigner),
    consumers: app.get(ConsumerEngine),
    metrics: app.get(SCRAPE_SOURCES),
    app,
    dataDir,
    databaseUrl,
    close: () => app.close(),
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: { code: number; message: string; data: T };
}

/** A tiny HTTP client for tests: JSON in, envelope out. */
export function api(baseUrl: string, token?: string) {
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: ApiResponse<T>['body'];
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path} → ${response.status} non-JSON body: ${text.slice(0, 200)}`);
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) =>
      call<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('POST', path, body, headers),
    put: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>('PUT', path, body, headers),
    delete: <T = any>(path: string, headers?: Record<string, string>) =>
      call<T>('DELETE', path, undefined, headers),
  };
}

let userCounter = 0;
/** Registers a fresh user and returns a client authenticated as them. */
export async function registerUser(baseUrl: string, name = 'creator') {
  userCounter++;
  const email = `${name}-${Date.now()}-${userCounter}@example.com`;
  const response = await api(baseUrl).post('/api/v1/auth/register', {
    username: name,
    email,
    password: 'Test@12345',
  });
  if (response.status !== 201) throw new Error(`register failed: ${JSON.stringify(response.body)}`);
  const { user_id: userId, token } = response.body.data as { user_id: string; token: string };
  return { userId, email, token, client: api(baseUrl, token) };
}
