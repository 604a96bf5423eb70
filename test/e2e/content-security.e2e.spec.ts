import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, buildStudio, openBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The Content-Security-Policy of the studio, Swagger UI and the API, checked where it matters: in Chromium.
 * Each page must work completely under its policy (any `securitypolicyviolation` is a problem the browser
 * helper records), and the policy must really be enforced: a script injected into the page does not run.
 */
describe('Content-Security-Policy in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    buildStudio();
    app = await startTestApp({ dialect: 'pglite' });
    browser = await openBrowser({ locale: 'en-US', baseUrl: app.baseUrl });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Adds an inline script, as an injection would: under the policy it must not run, and is reported. */
  const injectedScriptRuns = async (): Promise<boolean> => {
    await browser.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
    });
    await browser.page.waitForTimeout(200);
    return browser.page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected === true);
  };

  const takeProblems = () => browser.problems.splice(0, browser.problems.length);
  /** What a blocked injection leaves: Chromium's own report and the page's securitypolicyviolation event. */
  const blockedInlineScript = [
    expect.stringMatching(/^console: CSP violation: script-src-elem blocked inline/),
    expect.stringMatching(/^console: Executing inline script violates the following Content Security Policy/),
  ];

  it('lets Swagger UI list and try out the API with no violation, and blocks injected script', async () => {
    const { page } = browser;
    const response = await page.goto('/api/docs');
    const policy = response!.headers()['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);

    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    // Try one operation out: the UI's own request to the API must be allowed (connect-src).
    const health = page.locator('.opblock', { hasText: '/api/v1/health' }).first();
    await health.locator('.opblock-summary').click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    await health.getByRole('button', { name: 'Execute' }).click();
    await health
      .locator('.live-responses-table tbody .response-col_status')
      .first()
      .waitFor({ timeout: 15_000 });
    expect(
      await health.locator('.live-responses-table tbody .response-col_status').first().innerText(),
    ).toContain('200');
    await browser.settled();
    expect(takeProblems()).toEqual([]);

    expect(await injectedScriptRuns()).toBe(false);
    expect(takeProblems().sort()).toEqual(blockedInlineScript);
  }, 60_000);

  it('runs the studio with no violation, and blocks injected script there too', async () => {
    const { page } = browser;
    const response = await page.goto('/');
    expect(response!.headers()['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    await page.getByRole('heading').first().waitFor({ timeout: 30_000 });
    await browser.settled();
    expect(takeProblems()).toEqual([]);

    expect(await injectedScriptRuns()).toBe(false);
    expect(takeProblems().sort()).toEqual(blockedInlineScript);
  }, 60_000);

  it('lets nothing run in an API answer opened in the browser', async () => {
    const { page } = browser;
    const response = await page.goto('/api/v1/health');
    expect(response!.headers()['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(await injectedScriptRuns()).toBe(false);
    expect(takeProblems().sort()).toEqual(blockedInlineScript);
  }, 60_000);
});
