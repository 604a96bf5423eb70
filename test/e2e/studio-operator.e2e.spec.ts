import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { type Browser, buildStudio, openBrowser } from '../support/browser.js';
import { buildDist } from '../support/child-app.js';
import { POISON_ERROR, POISON_TITLE, poisonedProjects } from '../support/poison.js';
import { api, registerUser, startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'parked-admin@example.com';
const PASSWORD = 'Test@12345';

/**
 * An operator handles parked events in the studio: a read model that throws on one kind of event
 * parks them, the operator page lists them with the error, a retry while still broken says why it
 * failed, and once the fix is in a retry applies the event and a skip drops the other.
 */
describe('parked events on the studio operator page', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  const poisoned = poisonedProjects();

  beforeAll(async () => {
    buildDist();
    buildStudio();
    app = await startTestApp({
      dialect: 'pglite',
      env: {
        ADMIN_EMAILS: ADMIN_EMAIL,
        CONSUMER_MAX_ATTEMPTS: '2',
        CONSUMER_RETRY_BASE_MS: '5',
        CONSUMER_RETRY_MAX_MS: '20',
      },
      settings: { projections: poisoned.projections },
    });
    browser = await openBrowser({ locale: 'en-US', baseUrl: app.baseUrl });
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const parkedRows = () =>
    page.locator('[data-testid="parked"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        id: row.getAttribute('data-parked'),
        text: row.textContent ?? '',
      })),
    );

  it('lists the parked events, explains a failed retry, then retries one and skips the other', async () => {
    const creator = await registerUser(app.baseUrl, 'creator');
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const created = await creator.client.post('/api/v1/projects', {
        title: POISON_TITLE,
        description: `the ${n}. one`,
        target_episodes: 1,
        target_duration_sec: 60,
      });
      expect(created.status).toBe(201);
      ids.push(created.body.data.id as string);
    }
    const health = api(app.baseUrl);
    const deadline = Date.now() + 30_000;
    while (
      (await health.get('/api/v1/health')).body.data.consumers.find(
        (c: { name: string }) => c.name === 'projection:projects',
      )?.parked !== 2
    ) {
      if (Date.now() > deadline) throw new Error('the two poisoned events were not parked');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const admin = await api(app.baseUrl).post('/api/v1/auth/register', {
      username: 'operator',
      email: ADMIN_EMAIL,
      password: PASSWORD,
    });
    expect(admin.status).toBe(201);
    await page.goto('/login');
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Operator' }).click();

    const rows = page.locator('[data-testid="parked"] tbody tr');
    await rows.nth(1).waitFor();
    const listed = await parkedRows();
    expect(listed).toHaveLength(2);
    for (const row of listed) {
      expect(row.text).toContain('projection:projects');
      expect(row.text).toContain('ProjectCreated');
      expect(row.text).toContain(POISON_ERROR);
    }
    expect(ids.map((id) => listed.filter((row) => row.text.includes(`project-${id}`)).length)).toEqual([
      1, 1,
    ]);
    const consumer = page.locator('[data-testid="consumers"] tr[data-consumer="projection:projects"]');
    await expect(consumer.textContent()).resolves.toContain(POISON_ERROR);
    await browser.screenshot('operator-parked');
    expect(await browser.axe()).toEqual([]);

    // Still broken: the retry is refused with the reason, and the event stays parked.
    const first = rows.filter({ hasText: `project-${ids[0]}` });
    await browser.allowing([{ url: /\/admin\/parked\/[^/]+\/retry$/, status: 409 }], async () => {
      await first.getByRole('button', { name: 'Retry' }).click();
      await page.getByRole('alert').filter({ hasText: POISON_ERROR }).waitFor();
      await browser.settled();
    });
    expect(await parkedRows()).toHaveLength(2);

    poisoned.fix(); // the fix is deployed
    await first.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('status').filter({ hasText: 'Applied again.' }).waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="parked"] tbody tr').length === 1,
    );
    expect((await creator.client.get(`/api/v1/projects/${ids[0]}`)).body.data.title).toBe(POISON_TITLE);

    await rows.first().getByRole('button', { name: 'Skip' }).click();
    await page.getByText('Skipped.').waitFor();
    await page.getByText('No parked events.').waitFor();
    // The skipped event was not applied: that project stays missing from the read model.
    expect((await creator.client.get(`/api/v1/projects/${ids[1]}`)).status).toBe(404);

    await page.getByLabel('Show').selectOption('retried');
    await rows.first().waitFor();
    expect((await parkedRows()).map((r) => r.text)).toEqual([expect.stringContaining(`project-${ids[0]}`)]);
    await page.getByLabel('Show').selectOption('skipped');
    await page.locator(`[data-testid="parked"] tbody tr:has-text("project-${ids[1]}")`).waitFor();
    expect((await health.get('/api/v1/health')).body.data.status).toBe('ok');
    expect(browser.problems).toEqual([]);
  }, 120_000);
});
