import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, WebSocket as PageSocket } from 'playwright-core';
import { type Browser, buildStudio, openBrowser } from '../support/browser.js';
import { buildDist, type ChildApp, startChildApp } from '../support/child-app.js';
import { watchWs } from '../support/progress-clients.js';
import {
  expiredToken,
  goTo,
  positions,
  projectionFigures,
  testId,
  unsigned,
} from '../support/studio-pages.js';
import { api } from '../support/test-app.js';

const JWT_SECRET = 'studio-test-secret-studio-test-secret-0123';
const ADMIN_EMAIL = 'studio-admin@example.com';
const PASSWORD = 'Test@12345';

/**
 * The studio in Debian's Chromium against `node dist/src/main.js` on its embedded default (PGlite,
 * in-process job bus): a creator from an idea to a watched episode, an auditor scrubbing the history,
 * an operator rebuilding projections. Every flow must run without a console error or failed request.
 */
describe('the studio in a real browser', () => {
  let app: ChildApp;
  let browser: Browser;
  let page: Page;
  const sockets: PageSocket[] = [];
  const creator = { email: `creator-${Date.now()}@example.com`, token: '', userId: '' };
  let projectId = '';
  let dramaId = '';

  beforeAll(async () => {
    buildDist();
    buildStudio();
    app = await startChildApp({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'k3s-studio-')),
      JWT_SECRET,
      ADMIN_EMAILS: ADMIN_EMAIL,
      WORKER_CONCURRENCY: '1',
    });
    browser = await openBrowser({ locale: 'zh-CN', baseUrl: app.baseUrl });
    page = browser.page;
    page.on('websocket', (socket) => sockets.push(socket));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.kill();
  });

  const noProblems = () => expect(browser.problems).toEqual([]);
  const accessible = async (name: string) => {
    await browser.screenshot(name);
    expect(await browser.axe()).toEqual([]);
  };

  it('follows the browser language, and switches to English and back', async () => {
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await accessible('login-zh');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // Beside the studio, the API keeps its own answers: an unknown /api path is still a JSON 404.
    const unknown = await page.request.get('/api/v1/no-such-route');
    expect(unknown.status()).toBe(404);
    expect(await unknown.json()).toEqual({ code: 404, message: 'no such route', data: null });
    noProblems();
  });

  it('registers, shows the API refusals next to their fields, and makes a drama', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Creator');
    await page.getByLabel('Email').fill(creator.email);
    await page.getByLabel('Password').fill('short');
    await browser.allowing([{ url: /\/api\/v1\/auth\/register$/, status: 400 }], async () => {
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#f-password-error').waitFor();
    });
    expect(await page.locator('#f-password-error').textContent()).toContain('8 characters');
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    const session = await page.evaluate(() => JSON.parse(localStorage.getItem('3kstory.session') ?? '{}'));
    creator.token = session.token;
    creator.userId = session.userId;
    await accessible('projects-empty');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New drama' }).click();
    await page.getByRole('heading', { name: 'New drama' }).waitFor();
    // Providers come from /ai/models: the unconfigured ones are listed, disabled, with what they need.
    const runway = page.locator('#f-video_provider option[value="runway"]');
    expect(await runway.isDisabled()).toBe(true);
    expect(await runway.textContent()).toContain('RUNWAY_API_KEY');
    await page.getByLabel('Your idea').fill('北京，2024 年，一个 996 的程序员遇见了设计部的同事');
    await page.getByLabel('Title', { exact: true }).fill('我的网剧');
    await page.getByLabel('Genre').fill('爱情');
    await page.getByLabel('Scenes per episode').fill('5');
    await browser.allowing([{ url: /generate-drama$/, status: 400 }], async () => {
      await page.getByRole('button', { name: 'Make the drama' }).click();
      await page.locator('#f-duration_sec-error').waitFor();
    });
    expect(await page.locator('#f-duration_sec-error').textContent()).toContain('shorter than 5 s');
    await accessible('new-drama-refused');
    await page.getByLabel('Scenes per episode').fill('2');
    await page.getByRole('button', { name: 'Make the drama' }).click();
    await page.waitForURL(/\/dramas\/[0-9a-f-]{36}$/);
    dramaId = page.url().split('/').pop()!;
    noProblems();
  });

  it('shows live progress to completion without a reload, each event once across going offline', async () => {
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const log = page.locator('.event-log li');
    await log.first().waitFor();
    const status = testId(page, 'drama-status');
    projectId = (await page.getByRole('link', { name: 'Project', exact: true }).getAttribute('href'))!.split(
      '/',
    )[2]!;
    expect(await status.textContent()).not.toBe('completed');

    // Requests in flight when the network goes (or sent as it comes back, before Chromium has lifted the
    // emulation) are lost with it; the page must catch up afterwards, which is checked below.
    const seen = await browser.allowing(
      [{ url: new RegExp(`^${app.baseUrl}/api/`), failure: 'net::ERR_INTERNET_DISCONNECTED' }],
      async () => {
        await browser.context.setOffline(true);
        await page.locator('[data-state="offline"]').waitFor();
        const before = await positions(page, '.event-log li');
        // The server moves on while the page is offline: wait until it has a message the page has not got.
        const missed = watchWs(app.baseUrl, projectId, {
          token: creator.token,
          query: `since=${Math.max(...before)}`,
        });
        await missed.next((m) => m.type !== 'subscribed' && m.drama_id === dramaId, 60_000);
        await missed.close();
        await browser.screenshot('drama-offline');
        await browser.context.setOffline(false);
        await page.locator('[data-state="live"]').waitFor();
        await status.locator('.badge-completed').waitFor({ timeout: 100_000 });
        return before;
      },
    );

    await page.locator('figure.episode video').waitFor();
    await page.waitForFunction(
      () => document.querySelector<HTMLProgressElement>('.progress progress')?.value === 100,
    );
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    // Each event once: the page's log is exactly what a fresh watcher replays for this drama.
    const replay = watchWs(app.baseUrl, projectId, { token: creator.token, query: 'since=0' });
    await replay.next((m) => m.type === 'subscribed');
    await replay.close();
    const expected = replay.events.filter((m) => m.drama_id === dramaId).map((m) => m.position);
    await page.waitForFunction(
      (n) => document.querySelectorAll('.event-log li').length >= n,
      expected.length,
    );
    const shown = await positions(page, '.event-log li');
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort((a, b) => a - b)).toEqual(expected);
    expect(shown.filter((p) => p > Math.max(...seen)).length).toBeGreaterThan(0);
    // The page reconnected after the drop, resuming from the last position it had.
    const progressSockets = sockets.filter((s) => s.url().includes(`/ws/projects/${projectId}/progress`));
    expect(progressSockets.length).toBeGreaterThanOrEqual(2);
    expect(progressSockets[0]!.url()).toContain('since=0');
    expect(Number(new URL(progressSockets.at(-1)!.url()).searchParams.get('since'))).toBeGreaterThanOrEqual(
      Math.max(...seen),
    );
    // Progress moved through intermediate values before completing.
    const steps = replay.events.filter(
      (m) => m.drama_id === dramaId && (m.progress ?? 0) > 0 && m.progress! < 100,
    );
    expect(steps.length).toBeGreaterThan(0);
    noProblems();
  }, 120_000);

  it('plays the episode with its subtitles and offers MP4, SRT and VTT', async () => {
    const video = page.locator('figure.episode video').first();
    await video.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => (document.querySelector('figure.episode video') as HTMLVideoElement).readyState >= 1,
      null,
      {
        timeout: 30_000,
      },
    );
    const media = await video.evaluate(async (v: HTMLVideoElement) => {
      const track = v.querySelector('track')!;
      for (let i = 0; i < 100 && track.readyState !== 2; i++) await new Promise((r) => setTimeout(r, 100));
      return {
        duration: v.duration,
        tracks: v.textTracks.length,
        kind: v.textTracks[0]?.kind,
        trackState: track.readyState,
        cues: v.textTracks[0]?.cues?.length ?? 0,
      };
    });
    expect(media.duration).toBeGreaterThan(18.5);
    expect(media.duration).toBeLessThan(21.5);
    expect(media).toMatchObject({ tracks: 1, kind: 'subtitles', trackState: 2 });
    expect(media.cues).toBeGreaterThan(0);
    for (const label of ['MP4', 'SRT', 'VTT']) {
      const href = await page.locator('.downloads').getByRole('link', { name: label }).getAttribute('href');
      const response = await page.request.get(href!);
      expect(response.status()).toBe(200);
    }
    expect(await page.locator('.scene-card').count()).toBe(2);
    expect(await page.locator('.scene-card img').count()).toBe(2);
    // The cast as the API has it: every character's name, voice and portrait (loaded, not a broken image).
    const cast = (await api(app.baseUrl, creator.token).get(`/api/v1/dramas/${dramaId}`)).body.data.cast as {
      name: string;
      portrait_url: string;
    }[];
    expect(cast.length).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('rowheader', { name: 'Cast', exact: true }).count()).toBe(1);
    const members = page.getByTestId('cast-member');
    expect(await members.locator('h3').allTextContents()).toEqual(cast.map((c) => c.name));
    for (const member of cast) {
      const portrait = page.getByRole('img', { name: `Portrait of ${member.name}` });
      await portrait.scrollIntoViewIfNeeded();
      await page.waitForFunction(
        (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
        await portrait.elementHandle(),
        { timeout: 10_000 },
      );
    }
    expect(await members.locator('.meta').first().textContent()).toMatch(/^Voice: .+ \((Chinese|English)\)$/);
    // Usage as the API counts it (the local providers bill nothing, so this may well be all zeros).
    const usage = (await api(app.baseUrl, creator.token).get(`/api/v1/projects/${projectId}/usage`)).body
      .data;
    for (const metric of ['images', 'video_seconds', 'tts_characters']) {
      const shown = await page.locator(`[data-metric="${metric}"]`).textContent();
      expect(Number(shown!.replace(/,/g, ''))).toBe(usage.totals[metric] ?? 0);
    }
    await accessible('drama-completed');
    await page.evaluate(() => window.scrollTo(0, 0));
    await browser.screenshot('docs-drama', { fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await browser.screenshot('drama-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    noProblems();
  }, 60_000);

  it('lets an auditor filter the timeline, travel back to a pending drama, and verify', async () => {
    await page.getByRole('link', { name: 'History & time travel' }).click();
    await page.locator('.timeline li').first().waitFor();
    const types = await page
      .locator('.timeline li')
      .evaluateAll((items) => items.map((li) => li.dataset.type));
    expect(types).toEqual(
      expect.arrayContaining(['ProjectCreated', 'DramaRequested', 'StageCompleted', 'DramaCompleted']),
    );

    await page.getByLabel('Event family').selectOption('lifecycle');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/type=ProjectCreated/);
    await page.waitForFunction(
      () =>
        ![...document.querySelectorAll<HTMLElement>('.timeline li')].some(
          (li) => li.dataset.type === 'StageCompleted',
        ),
    );
    const lifecycle = await page
      .locator('.timeline li')
      .evaluateAll((items) => items.map((li) => li.dataset.type));
    expect(lifecycle).toEqual(['ProjectCreated', 'DramaRequested', 'DramaCompleted']);

    const requestedAt = Number(
      await page.locator('.timeline li[data-type="DramaRequested"]').getAttribute('data-position'),
    );
    await page.getByLabel('Position in the log').fill(String(requestedAt));
    await page.waitForURL(new RegExp(`as_of=${requestedAt}`));
    await testId(page, 'drama-then-status').getByText('pending').waitFor();
    expect(await page.locator('[data-testid="drama-then"] .badge').first().textContent()).toBe('pending');
    await browser.screenshot('docs-history', { fullPage: false });
    // Before the drama was requested there is no drama to show (and nothing is asked of the API).
    await page.getByLabel('Position in the log').fill(String(requestedAt - 1));
    await page.getByText('The drama had not been requested yet.').waitFor();
    await page.getByRole('button', { name: 'Back to now' }).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL((url) => !url.searchParams.has('type'));
    await page.locator('.timeline li[data-type="StageCompleted"]').first().waitFor();

    // Events link to their cause: a job's start to its scheduling.
    const started = page.locator('.timeline li[data-type="JobStarted"]').first();
    await started.locator('summary').click();
    const cause = started.locator('.kv a');
    expect(await cause.textContent()).toContain('JobScheduled');
    await cause.click();
    await page.locator('.timeline li[data-type="JobScheduled"]:target').waitFor();

    // Pages of 25: the second page goes on where the first stopped.
    await page.getByLabel('Per page').selectOption('25');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/page_size=25/);
    await page.waitForFunction(() => document.querySelectorAll('.timeline li').length === 25);
    const total = Number((await page.getByText(/events match/).textContent())!.match(/\d+/)![0]);
    expect(total).toBeGreaterThan(25);
    const lastOnPage = Number(await page.locator('.timeline li').last().getAttribute('data-position'));
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL(/page=2/);
    await page.waitForFunction(
      (after) => Number(document.querySelector('.timeline li')?.getAttribute('data-position')) > after,
      lastOnPage,
    );
    await page.getByRole('button', { name: 'Verify now' }).click();
    await testId(page, 'verify-result').waitFor();
    expect(await testId(page, 'verify-result').getAttribute('data-ok')).toBe('true');
    await accessible('history');
    noProblems();
  }, 90_000);

  it('regenerates one scene and its episode, live', async () => {
    await goTo(page, `/dramas/${dramaId}`);
    const status = testId(page, 'drama-status');
    await status.locator('.badge-completed').waitFor();
    await page.locator('.scene-card').first().getByRole('button', { name: 'Regenerate this scene' }).click();
    await page.getByText('Regenerating: the scene and its episode are being made again.').waitFor();
    await page.locator('.event-log li[data-type="scene.regenerating"]').waitFor();
    await page.locator('.event-log li[data-type="drama.completed"]').nth(1).waitFor({ timeout: 120_000 });
    await status.locator('.badge-completed').waitFor();
    noProblems();
  }, 120_000);

  it('makes a video of one scene from the project page and follows its task', async () => {
    await page.getByRole('link', { name: 'Project', exact: true }).click();
    await page.getByRole('heading', { name: 'Dramas and video tasks' }).waitFor();
    await accessible('project');
    await page.getByText('Generate a video for one scene').click();
    await page.getByLabel('Length of the clip (s)').fill('3');
    // The form offers the scene's whole text; every line of it would be spoken, so keep it to one line.
    await page.getByLabel('Scene text').fill('北京办公室。');
    await page.getByRole('button', { name: 'Generate video' }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await page.locator('.badge-completed').waitFor({ timeout: 120_000 });
    await page.waitForFunction(
      () => (document.querySelector('figure.episode video') as HTMLVideoElement)?.readyState >= 1,
    );
    const duration = await page.locator('figure.episode video').evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).toBeGreaterThan(2.5);
    expect(duration).toBeLessThan(4);
    await accessible('task');
    noProblems();
  }, 120_000);

  it('pauses, resumes and cancels a drama', async () => {
    const accepted = await api(app.baseUrl, creator.token).post('/api/v1/projects/generate-drama', {
      title: '暂停测试',
      prompt: '一个关于暂停的故事',
      episodes: 2,
      scenes_per_episode: 3,
      duration_sec: 30,
    });
    expect(accepted.status).toBe(202);
    await goTo(page, `/dramas/${accepted.body.data.drama_id}`);
    const status = testId(page, 'drama-status');
    await page.getByRole('button', { name: 'Pause' }).click();
    await status.getByText('paused').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Cancel' }).click();
    await status.getByText('cancelled').waitFor({ timeout: 60_000 });
    await page.locator('.event-log li[data-type="drama.cancelled"]').waitFor();
    expect(await page.locator('.event-log li[data-type="drama.paused"]').count()).toBe(1);
    expect(await page.locator('.event-log li[data-type="drama.resumed"]').count()).toBe(1);
    noProblems();
  }, 90_000);

  it('edits a project with If-Match and shows a change made elsewhere as a conflict', async () => {
    await goTo(page, `/projects/${projectId}`);
    await page.getByText('Edit project').click();
    await page.getByLabel('Title', { exact: true }).fill('Renamed in the studio');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('heading', { name: 'Renamed in the studio' }).waitFor();

    const owner = api(app.baseUrl, creator.token);
    const current = await owner.get(`/api/v1/projects/${projectId}`);
    const elsewhere = await owner.put(
      `/api/v1/projects/${projectId}`,
      { title: 'Renamed elsewhere' },
      { 'if-match': current.headers.get('etag')! },
    );
    expect(elsewhere.status).toBe(200);

    await page.getByLabel('Title', { exact: true }).fill('A stale edit');
    await browser.allowing([{ url: new RegExp(`/api/v1/projects/${projectId}$`), status: 412 }], async () => {
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('This project was changed elsewhere since you opened it.').waitFor();
    });
    await browser.screenshot('project-conflict');
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('heading', { name: 'Renamed elsewhere' }).waitFor();
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('Renamed elsewhere');

    // A project made by hand, then deleted (with its version as If-Match).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByText('New empty project').click();
    await page.getByLabel('Title', { exact: true }).fill('To be deleted');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'To be deleted' }).waitFor();
    await page.getByText('Edit project').click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete project' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.getByRole('link', { name: 'Renamed elsewhere' }).waitFor();
    expect(await page.getByRole('link', { name: 'To be deleted' }).count()).toBe(0);
    noProblems();
  });

  it('keeps the session across a reload, sends an expired one back to log in, and logs in by keyboard', async () => {
    await page.getByRole('link', { name: 'Renamed elsewhere' }).click();
    await page.getByRole('heading', { name: 'Renamed elsewhere' }).waitFor();
    await browser.settled();
    await page.reload();
    await page.getByRole('heading', { name: 'Renamed elsewhere' }).waitFor();
    await page.locator('.who', { hasText: /^Creator$/ }).waitFor();

    const expired = await expiredToken(JWT_SECRET, creator.userId, creator.email);
    await page.evaluate((token) => {
      const session = JSON.parse(localStorage.getItem('3kstory.session')!);
      localStorage.setItem('3kstory.session', JSON.stringify({ ...session, token }));
    }, expired);
    await browser.settled();
    await browser.allowing([{ url: new RegExp(`^${app.baseUrl}/api/v1/`), status: 401 }], async () => {
      await page.reload();
      await page.getByText('Your session has expired. Please log in again.').waitFor();
      // Calls sent with the old token before the first refusal came back are refused too.
      await browser.settled();
    });
    expect(page.url()).toContain(`next=${encodeURIComponent(`/projects/${projectId}`)}`);

    await page.getByLabel('Email').focus();
    await page.keyboard.type(creator.email);
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return { id: document.activeElement!.id, outline: `${style.outlineStyle} ${style.outlineWidth}` };
    });
    expect(focus).toEqual({ id: 'f-password', outline: 'solid 3px' });
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Renamed elsewhere' }).waitFor();
    noProblems();
  });

  it('lets an admin rebuild all projections from the operator page; the figures come back the same', async () => {
    const owner = api(app.baseUrl, creator.token);
    const views = async () =>
      unsigned([
        (await owner.get(`/api/v1/dramas/${dramaId}`)).body.data,
        (await owner.get(`/api/v1/projects/${projectId}/usage`)).body.data,
        (await owner.get(`/api/v1/projects/${projectId}/scenes`)).body.data,
        (await owner.get('/api/v1/projects')).body.data,
      ]);
    const before = await views();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Operator');
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: 'Operator' }).click();
    const rows = page.locator('[data-testid="projections"] tbody tr');
    await rows.first().waitFor();
    const start = await projectionFigures(page);
    expect(start.map((r) => r.name)).toEqual(
      expect.arrayContaining(['projects', 'dramas', 'scenes', 'usage']),
    );
    expect(start.every((r) => r.status === 'live' && r.lag === '0')).toBe(true);
    // The consumers of the log, each running, none behind, and nothing parked.
    const consumers = page.locator('[data-testid="consumers"] tbody tr');
    await consumers.first().waitFor();
    const consumerRows = await consumers.evaluateAll((trs) =>
      trs.map((tr) => ({
        name: tr.getAttribute('data-consumer'),
        state: tr.querySelector('.badge')?.className ?? '',
      })),
    );
    expect(consumerRows.map((c) => c.name)).toEqual(
      expect.arrayContaining(['projection:projects', 'projection:dramas']),
    );
    expect(consumerRows.filter((c) => !c.state.includes('badge-running'))).toEqual([]);
    await page.getByText('No parked events.').waitFor();
    await accessible('operator');

    await page.getByRole('button', { name: 'Rebuild all' }).click();
    await page.getByText(/^Rebuild started: /).waitFor();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="projections"] tbody tr .badge-completed').length === n,
      start.length,
      { timeout: 120_000 },
    );
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="projections"] tbody tr')].every(
        (tr) => tr.getAttribute('data-status') === 'live',
      ),
    );
    expect(await projectionFigures(page)).toEqual(start);
    expect(await views()).toBe(before);
    await browser.screenshot('operator-rebuilt');

    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '运维' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('3kstory.lang'))).toBe('zh');
    await browser.screenshot('docs-operator-zh', { fullPage: false });
    noProblems();
  }, 120_000);
});
