import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..');
/** Screenshots of every page the browser tests visit (git-ignored; CI keeps them as artefacts). */
export const ARTIFACTS = join(root, 'test-artifacts', 'studio');

/** Debian's Chromium (`apt-get install chromium`); never a browser downloaded by the driver. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) {
    throw new Error(
      'Chromium not found: install it with `apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH',
    );
  }
  return found;
}

/** The studio bundle, exactly as `npm run build` makes it. */
export function buildStudio(): void {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs'), '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
}

/** A refusal a step provokes on purpose: an HTTP status, or a network error (e.g. while offline). */
type Allowed = { url: RegExp; status: number } | { url: RegExp; failure: string };

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors, failed requests and unexpected 4xx/5xx answers, as they happened. */
  problems: string[];
  /** Lets `run` provoke refusals matching `allowed` (e.g. a 400 it checks is shown); nothing else. */
  allowing<T>(allowed: Allowed[], run: () => Promise<T>): Promise<T>;
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<string>;
  /** Resolves once no request of the page is in flight (before a reload, which would cut them short). */
  settled(timeoutMs?: number): Promise<void>;
  /** Runs axe-core (WCAG 2 A and AA rules) on the page; returns the violations, summarised. */
  axe(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile, collecting every console error, uncaught page error, failed request
 * and HTTP error status, so a test can require that a flow had none.
 */
export async function openBrowser(options: { locale: string; baseUrl: string }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'k3s-chromium-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    locale: options.locale,
    viewport: { width: 1280, height: 900 },
    baseURL: options.baseUrl,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Every Content-Security-Policy violation on any page is a problem, whether or not Chromium logs it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} ` +
          `(${event.sourceFile || event.documentURI}:${event.lineNumber})`,
      );
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  let allowed: Allowed[] = [];
  const isAllowed = (url: string, status: number) =>
    allowed.some((a) => 'status' in a && a.status === status && a.url.test(url));
  const isAllowedFailure = (url: string, failure: string) =>
    allowed.some((a) => 'failure' in a && failure.includes(a.failure) && a.url.test(url));
  const responses = new Map<string, number>();
  const allowedFailures = new Set<string>();
  const inFlight = new Set<unknown>();
  page.on('request', (request) => inFlight.add(request));
  page.on('requestfinished', (request) => inFlight.delete(request));
  page.on('requestfailed', (request) => inFlight.delete(request));

  page.on('response', (response) => {
    const status = response.status();
    responses.set(response.url(), status);
    if (status < 400) return;
    if (isAllowed(response.url(), status)) allowedFailures.add(response.url());
    else problems.push(`HTTP ${status} ${response.request().method()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    const status = responses.get(url);
    if (/Failed to load resource/.test(message.text())) {
      if (status !== undefined && isAllowed(url, status)) return;
      // Chromium may log a failed load after the step that allowed it has ended.
      if (allowedFailures.has(url) || isAllowedFailure(url, message.text())) return;
    }
    problems.push(`console: ${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A <video> stops its own download once it has what it needs (preload="metadata", a seek): that is
    // the media element's doing, not a failure.
    if (request.resourceType() === 'media' && request.failure()?.errorText === 'net::ERR_ABORTED') return;
    if (isAllowedFailure(request.url(), request.failure()?.errorText ?? '')) {
      allowedFailures.add(request.url());
      // …or before the request's failure is reported.
      const logged = `(${request.url()})`;
      for (let i = problems.length - 1; i >= 0; i--) {
        if (problems[i]!.startsWith('console: Failed to load resource') && problems[i]!.endsWith(logged)) {
          problems.splice(i, 1);
        }
      }
      return;
    }
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
  });

  const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  return {
    context,
    page,
    problems,
    async allowing(list, run) {
      allowed = list;
      try {
        return await run();
      } finally {
        allowed = [];
      }
    },
    async settled(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight.size > 0) {
        if (Date.now() > deadline) throw new Error(`${inFlight.size} request(s) still in flight`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async screenshot(name, shotOptions = {}) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: shotOptions.fullPage ?? true });
      return path;
    },
    async axe() {
      // Evaluated through DevTools, which the studio's Content-Security-Policy (script-src 'self') allows.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(axeSource, 'utf8'));
      const result = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(o: unknown): Promise<any> } }).axe;
        const report = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
        return report.violations.map(
          (v: any) =>
            `${v.id}: ${v.help} — ${v.nodes
              .slice(0, 3)
              .map((n: any) => n.target.join(' '))
              .join(' | ')}`,
        );
      });
      return result as string[];
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
