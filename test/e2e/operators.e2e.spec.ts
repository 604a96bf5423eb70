import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_PROJECTIONS } from '../../src/modules/read-models.module.js';
import { refreshScrapeGauges } from '../../src/infrastructure/observability/scrape.js';
import { finished, smallDrama, waitFor } from '../support/drama.js';
import { capturingLogger } from '../support/logger.js';
import { registerUser, startTestApp, type TestApp } from '../support/test-app.js';

/** Value of one sample in the Prometheus text format (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

/** Operators: /metrics after real traffic and a real drama, and one correlation id from request to job logs. */
describe('operators: metrics and correlated logs (PostgreSQL)', () => {
  let app: TestApp;
  const capture = capturingLogger('info');
  const correlationId = `ops-test-${Date.now()}`;
  let dramaId: string;
  let projectId: string;
  /** Highest total of jobs_in_flight seen by scrapes while the drama was being made. */
  let maxInFlight = 0;

  beforeAll(async () => {
    app = await startTestApp({ dialect: 'postgres', logger: capture.logger });
    const { client } = await registerUser(app.baseUrl);
    const accepted = await client.post('/api/v1/projects/generate-drama', smallDrama(), {
      'X-Correlation-Id': correlationId,
    });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('x-correlation-id')).toBe(correlationId);
    ({ drama_id: dramaId, project_id: projectId } = accepted.body.data);
    let making = true;
    const sampler = (async () => {
      while (making) {
        const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
        const inFlight = [...text.matchAll(/^jobs_in_flight\{.*\} (\d+)$/gm)].map((m) => Number(m[1]));
        maxInFlight = Math.max(
          maxInFlight,
          inFlight.reduce((a, b) => a + b, 0),
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const drama = await waitFor(client, `/api/v1/dramas/${dramaId}`, finished, 100_000).finally(() => {
      making = false;
    });
    await sampler;
    expect(drama.status).toBe('completed');
    // A read of a concrete id, and a route that does not exist.
    expect((await client.get(`/api/v1/projects/${projectId}`)).status).toBe(200);
    expect((await client.get(`/api/v1/no-such-route/${projectId}`)).status).toBe(404);
    // Refused before routing (malformed JSON): still labelled with the route it was meant for.
    expect((await client.put(`/api/v1/projects/${projectId}`, '{"title": ')).status).toBe(400);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('GET /metrics serves Prometheus text with route templates, events, projection lag and jobs', async () => {
    const response = await fetch(`${app.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    const route = (r: string, method = 'GET', status = '200') =>
      sample(text, 'http_request_duration_seconds_count', { method, route: r, status });
    expect(route('/api/v1/projects/:id')).toBeGreaterThanOrEqual(1);
    expect(route('/api/v1/dramas/:id')).toBeGreaterThanOrEqual(1);
    expect(route('/api/v1/projects/generate-drama', 'POST', '202')).toBe(1);
    expect(route('unmatched', 'GET', '404')).toBeGreaterThanOrEqual(1);
    expect(route('/api/v1/projects/:id', 'PUT', '400')).toBe(1);
    // Raw ids never become labels.
    expect(text).not.toContain(projectId);
    expect(text).not.toContain(dramaId);

    expect(sample(text, 'eventstore_events_appended_total')).toBeGreaterThan(10);
    for (const projection of ALL_PROJECTIONS) {
      expect(sample(text, 'projection_lag_events', { projection: projection.name })).toBeGreaterThanOrEqual(
        0,
      );
      expect(sample(text, 'projection_lag_seconds', { projection: projection.name })).toBeGreaterThanOrEqual(
        0,
      );
    }
    // 1 episode × 2 scenes: one script, one storyboard, two images/videos/reviews, one assembly.
    const jobs = (stage: string) => sample(text, 'jobs_total', { stage, status: 'completed' });
    expect(jobs('script')).toBeGreaterThanOrEqual(1);
    expect(jobs('images')).toBeGreaterThanOrEqual(2);
    expect(jobs('video')).toBeGreaterThanOrEqual(2);
    expect(jobs('assemble')).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'job_duration_seconds_count', { stage: 'video', status: 'completed' }),
    ).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBeGreaterThanOrEqual(1);
    // Nothing left to do: every stage reported, all idle.
    expect(sample(text, 'jobs_in_flight', { stage: 'assemble' })).toBe(0);
    expect(text).toContain('# TYPE websocket_connections gauge');
  });

  it('projection lag in seconds is the age of the oldest unapplied event, 0 when caught up', async () => {
    const head = await app.store.headPosition();
    const [first] = await app.store.readAll({ after: 0, maxCount: 1 });
    const now = Date.parse(first!.recordedAt) + 42_000;
    await refreshScrapeGauges({
      ...app.metrics,
      projections: {
        positions: () => [
          { name: 'behind', position: 0 },
          { name: 'current', position: head },
        ],
      },
      now: () => now,
    });
    const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
    // The scrape recomputes the real projections but leaves the test's series as they were set.
    expect(sample(text, 'projection_lag_events', { projection: 'behind' })).toBe(head);
    expect(sample(text, 'projection_lag_seconds', { projection: 'behind' })).toBeCloseTo(42, 1);
    expect(sample(text, 'projection_lag_events', { projection: 'current' })).toBe(0);
    expect(sample(text, 'projection_lag_seconds', { projection: 'current' })).toBe(0);
  });

  it('every event of the drama carries the request correlation id; worker events are caused by their JobScheduled', async () => {
    const events = await app.store.readStream(`drama-${dramaId}`);
    expect(events.length).toBeGreaterThan(20);
    expect(events.filter((e) => e.metadata.correlationId !== correlationId).map((e) => e.type)).toEqual([]);
    const byId = new Map(events.map((e) => [e.id, e]));
    const scheduledFor = (jobId: string) =>
      events.findLast((e) => e.type === 'JobScheduled' && (e.data as { jobId: string }).jobId === jobId)!;
    const workerEvents = events.filter((e) => ['JobStarted', 'StageCompleted'].includes(e.type));
    expect(workerEvents.length).toBeGreaterThanOrEqual(16);
    for (const event of workerEvents) {
      const cause = byId.get(event.metadata.causationId!);
      expect(cause?.id).toBe(scheduledFor((event.data as { jobId: string }).jobId).id);
    }
    // Scheduled jobs are caused by the event that triggered the plan (the request, or a completed stage).
    const requested = events.find((e) => e.type === 'DramaRequested')!;
    expect(events.find((e) => e.type === 'JobScheduled')!.metadata.causationId).toBe(requested.id);
  });

  it('every job log line carries the request correlation id', () => {
    const jobLines = capture.lines.filter((l) => l.jobId !== undefined && l.dramaId === dramaId);
    const messages = new Set(jobLines.map((l) => l.msg));
    expect(messages).toContain('job started');
    expect(messages).toContain('job completed');
    expect(jobLines.length).toBeGreaterThanOrEqual(8);
    expect(jobLines.filter((l) => l.correlationId !== correlationId)).toEqual([]);
    // The request line too, with the same id.
    expect(
      capture.lines.some(
        (l) =>
          l.msg === 'request' &&
          l.path === '/api/v1/projects/generate-drama' &&
          l.correlationId === correlationId,
      ),
    ).toBe(true);
  });
});

describe('METRICS_TOKEN', () => {
  let app: TestApp;
  const token = 'metrics-token-0123456789';
  beforeAll(async () => {
    app = await startTestApp({ dialect: 'postgres', env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a scrape without the bearer token and serves one with it', async () => {
    const without = await fetch(`${app.baseUrl}/metrics`);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('eventstore_events_appended_total');
  });
});
