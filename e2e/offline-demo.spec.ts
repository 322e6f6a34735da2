import { expect, test } from '@playwright/test';

/**
 * After one visit the app works with no network at all: the page, its lazily loaded chunks, the
 * engine worker and the demo meter's simulators all come from the service worker's precache.
 */
test('after the first visit the app reloads offline and reads the demo meter', async ({ page, context }) => {
  test.setTimeout(90_000);
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  try {
    // Prove the network really is off: a request the precache does not hold fails.
    expect(await page.evaluate(() => fetch(`./not-cached-${Date.now()}.json`).then(() => 'answered', () => 'failed'))).toBe('failed');
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Read' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
    await page.getByRole('button', { name: 'Use the demo meter' }).click();
    await expect(page.locator('.load-message')).toContainText('Loaded the demo meter');
    await page.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
    await page.getByRole('button', { name: 'Read now' }).click();
    await expect(page.locator('.read-message')).toContainText(/Read \d+ value\(s\)/, { timeout: 60_000 });
    const energy = page.locator('ms-live-table tr[data-key="demo_dlms/1_0_1_8_0"]');
    await expect(energy).toContainText('good');
    await expect(energy.locator('td[data-label="Unit"]')).toHaveText('Wh');

    // The chart library is a lazily loaded chunk of its own: it must be precached too.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
    await page.getByLabel('Device').selectOption('demo_dlms');
    await page.getByRole('button', { name: 'Read profile' }).click();
    await expect(page.locator('.profile-message')).toContainText(/row\(s\) in/, { timeout: 60_000 });
    await expect(page.locator('ms-chart canvas')).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});
