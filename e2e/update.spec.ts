import { expect, test, type BrowserContext, type Page } from '@playwright/test';

type Marked = { marker?: number };

/**
 * Install a service worker whose script differs by one comment from the built one, so the real
 * script fetched by the next update check counts as a new version (the browser compares bytes).
 */
async function installOldVersion(page: Page, context: BrowserContext, reloadToBeControlled: boolean): Promise<void> {
  await context.route('**/sw.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: `${await response.text()}\n// installed by the test` });
  });
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.unroute('**/sw.js');
  if (reloadToBeControlled) {
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  }
}

async function expectUpdateFlow(page: Page): Promise<void> {
  const banner = page.getByRole('status').filter({ hasText: 'A new version is ready — Reload' });
  await expect(banner).toHaveCount(0);
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });
  await expect(banner).toBeVisible();
  // The banner does not block the app.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Trace' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Trace' })).toBeVisible();

  await page.evaluate(() => ((window as Marked).marker = 1));
  await banner.getByRole('button', { name: 'Reload' }).click();
  // The waiting worker takes over and the page reloads itself: the in-memory marker is gone.
  // While the page is reloading, evaluate() fails: that is "not yet", not a failure.
  await expect
    .poll(() => page.evaluate(() => (window as Marked).marker ?? 0).catch(() => -1), { timeout: 20_000 })
    .toBe(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Trace' })).toBeVisible();
  await expect(banner).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

test('update banner on a page the service worker controls: Reload activates the new version', async ({ page, context }) => {
  await installOldVersion(page, context, true);
  await expectUpdateFlow(page);
});

test('update banner right after the first install (page not yet controlled)', async ({ page, context }) => {
  await installOldVersion(page, context, false);
  await expectUpdateFlow(page);
});
