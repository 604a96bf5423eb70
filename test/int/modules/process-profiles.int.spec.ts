import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { ConsumerEngine } from '../../../src/application/consumers/consumer-engine.js';
import { Pipeline } from '../../../src/application/jobs/pipeline.js';
import { DATABASE } from '../../../src/application/ports/database.port.js';
import { EVENT_STORE } from '../../../src/application/ports/event-store.port.js';
import { JOB_BUS } from '../../../src/application/ports/job-bus.port.js';
import { PROGRESS_HUB } from '../../../src/application/ports/progress-hub.port.js';
import { PROGRESS_FEED } from '../../../src/application/realtime/progress-feed.js';
import { WebhookDeliverer } from '../../../src/application/webhooks/webhook-deliverer.js';
import { loadConfig } from '../../../src/infrastructure/config/config.js';
import { ProjectionRunner } from '../../../src/infrastructure/projections/projection-runner.js';
import { ProgressPublisher } from '../../../src/infrastructure/realtime/progress-publisher.js';
import { cliProfile, startContext, workerProfile } from '../../../src/modules/profiles.js';
import { testLogger } from '../../support/logger.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/** Records, in order, each call of `method` on `target` (the real method still runs). */
function record(calls: string[], name: string, target: object, method: string, also?: () => string): void {
  const original = (target as Record<string, (...args: unknown[]) => unknown>)[method]!;
  (target as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    calls.push(also ? `${name} (${also()})` : name);
    return original.apply(this, args);
  };
}

const has = (context: INestApplicationContext, token: unknown): boolean => {
  try {
    context.get(token as never);
    return true;
  } catch {
    return false;
  }
};

describe('process profiles', () => {
  let app: TestApp | undefined;
  let context: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    await context?.close();
    app = context = undefined;
  });

  it('api: shuts down in order — stop accepting, drain the pipeline, stop the followers, close the stores, then the database', async () => {
    app = await startTestApp({ dialect: 'pglite' });
    const nest = app.app;
    const server = nest.getHttpServer();
    const calls: string[] = [];
    const listening = () => (server.listening ? 'listening' : 'not listening');
    record(calls, 'pipeline stop', nest.get(Pipeline), 'stop', listening);
    record(calls, 'webhooks stop', nest.get(WebhookDeliverer), 'stop');
    record(calls, 'publisher stop', nest.get(ProgressPublisher), 'stop');
    record(calls, 'projections stop', nest.get(ProjectionRunner), 'stop');
    record(calls, 'hub close', nest.get(PROGRESS_HUB), 'close');
    record(calls, 'consumers stop', nest.get(ConsumerEngine), 'stop');
    record(calls, 'event store close', nest.get(EVENT_STORE), 'close');
    record(calls, 'database close', nest.get(DATABASE), 'close');

    await app.close();
    app = undefined;

    const at = (name: string) => calls.findIndex((c) => c.startsWith(name));
    expect(calls[at('pipeline stop')]).toBe('pipeline stop (not listening)');
    const order: [string, string][] = [
      ['pipeline stop', 'projections stop'],
      ['publisher stop', 'projections stop'],
      ['publisher stop', 'hub close'],
      ['projections stop', 'consumers stop'],
      ['webhooks stop', 'consumers stop'],
      ['consumers stop', 'event store close'],
      ['hub close', 'database close'],
      ['event store close', 'database close'],
    ];
    const broken = order.filter(([before, after]) => !(at(before) >= 0 && at(before) < at(after)));
    expect({ broken, calls }).toEqual({ broken: [], calls });
    expect(calls.at(-1)).toBe('database close');
  });

  it('worker: only the workers and what they need — no read models, webhook deliverer, hub or feed', async () => {
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'k3s-profile-worker-')),
        JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      },
      () => undefined,
    );
    context = await startContext({ config, logger: testLogger() }, workerProfile);
    expect(has(context, JOB_BUS)).toBe(true);
    expect(has(context, Pipeline)).toBe(true);
    for (const absent of [
      WebhookDeliverer,
      PROGRESS_HUB,
      PROGRESS_FEED,
      ProgressPublisher,
      ProjectionRunner,
    ]) {
      expect([absent, has(context, absent)]).toEqual([absent, false]);
    }
  });

  it('cli: the read models without following the log, and no job bus', async () => {
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'k3s-profile-cli-')),
        JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      },
      () => undefined,
    );
    context = await startContext({ config, logger: testLogger() }, cliProfile);
    const runner = context.get(ProjectionRunner);
    expect((await runner.status()).map((s) => s.name).sort()).toEqual([
      'dramas',
      'projects',
      'scenes',
      'usage',
    ]);
    expect((await context.get(ConsumerEngine).status()).filter((c) => c.state === 'running')).toEqual([]);
    for (const absent of [JOB_BUS, Pipeline, WebhookDeliverer, PROGRESS_HUB]) {
      expect([absent, has(context, absent)]).toEqual([absent, false]);
    }
  });
});
