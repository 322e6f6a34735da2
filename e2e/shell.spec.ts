import { expect, test } from '@playwright/test';
import { PAGES, openPage } from './helpers';

test('the app shell loads with its landmarks and every page is reachable from the navigation', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./');
  await expect(page.getByRole('banner')).toContainText('MeterScope');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveCount(PAGES.length);
  await expect(page.getByRole('main')).toBeVisible();
  // Default route.
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Read', exact: true })).toHaveAttribute('aria-current', 'page');

  for (const p of PAGES) {
    await nav.getByRole('link', { name: p.heading, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`#/${p.id}$`));
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await expect(nav.getByRole('link', { name: p.heading, exact: true })).toHaveAttribute('aria-current', 'page');
  }
  expect(errors).toEqual([]);
});

test('the engine worker answers ping through Comlink', async ({ page }) => {
  await openPage(page, 'settings', 'Settings');
  await page.getByRole('button', { name: 'Check engine' }).click();
  await expect(page.locator('.engine-answer')).toContainText(/Engine answered "pong: MeterScope engine [\d.]+"/);
  // The shell's engine indicator comes from the same worker, over the subscription.
  await expect(page.getByRole('banner')).toContainText('Engine: no configuration');
});

test('the Trace page shows lines sent by the worker', async ({ page }) => {
  await openPage(page, 'trace', 'Trace');
  await expect(page.getByRole('listitem').filter({ hasText: 'engine worker' })).toContainText('ready');
});

test('the theme choice is applied and survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openPage(page, 'settings', 'Settings');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lightBg = await bg();
  await page.getByLabel('Dark').check();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  const darkBg = await bg();
  expect(darkBg).not.toBe(lightBg);
  // Clear the first-paint cache so the value must come back from IndexedDB.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  await expect(page.getByLabel('Dark')).toBeChecked();
});

test('bridge settings are saved and the token is masked', async ({ page }) => {
  await openPage(page, 'settings', 'Settings');
  const token = page.getByLabel('Bridge token');
  await expect(token).toHaveAttribute('type', 'password');
  await page.getByLabel('Bridge address').fill('ws://127.0.0.1:8765');
  await token.fill('s3cret-token');
  await page.getByRole('button', { name: 'Save bridge settings' }).click();
  await expect(page.getByText('Bridge settings saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Bridge address')).toHaveValue('ws://127.0.0.1:8765');
  await expect(page.getByLabel('Bridge token')).toHaveValue('s3cret-token');
  await expect(page.getByText('s3cret-token')).toHaveCount(0);
  // Storage figures come from navigator.storage through the store.
  await expect(page.locator('.usage')).toHaveText(/\d+(\.\d)? (B|KB|MB|GB)/);
  await expect(page.locator('.persisted')).toHaveText(/^(yes|no):/);
});

test('robots.txt is served as text, also once the service worker controls the page', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  // The worker registers after load, when the page is idle; a reload puts the page under its control.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const response = await page.goto('./robots.txt');
  expect(response?.headers()['content-type'] ?? '').toMatch(/^text\/plain/);
  expect(await page.locator('body').innerText()).toMatch(/^User-agent: \*/);
});
