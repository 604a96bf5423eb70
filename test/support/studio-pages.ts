import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';

/** The element a test addresses by its data-testid. */
export const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/** A client-side navigation, as a click on an in-app link does (a full load would cut requests short). */
export const goTo = (page: Page, path: string) =>
  page.evaluate((to) => {
    history.pushState(null, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);

/** Positions of the entries of a list whose items carry data-position (the event log, the timeline). */
export const positions = (page: Page, selector: string) =>
  page
    .locator(selector)
    .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-position'))));

/** The figures of the operator page's projections table, row by row. */
export const projectionFigures = (page: Page) =>
  page.locator('[data-testid="projections"] tbody tr').evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.getAttribute('data-projection'),
      status: row.getAttribute('data-status'),
      checkpoint: row.querySelector('[data-field="checkpoint"]')!.textContent,
      head: row.querySelector('[data-field="head"]')!.textContent,
      lag: row.querySelector('[data-field="lag"]')!.textContent,
    })),
  );

/** A token the server itself would have issued an hour ago that ran out since. */
export const expiredToken = (secret: string, userId: string, email: string) =>
  new SignJWT({ email })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer('3kstory')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
    .sign(new TextEncoder().encode(secret));

/** Media links are signed with an expiry: compare views without it. */
export const unsigned = (value: unknown) =>
  JSON.stringify(value).replace(/signature=[^"&]+|expires=\d+/g, '');
