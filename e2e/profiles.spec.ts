import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ISO_WITH_OFFSET, answerSavePicker, csvRows, savedText, useDemo } from './demo-helpers';
import { ROOT } from './helpers';

const SHOTS = join(ROOT, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

/** The real File System Access API, its dialog answered (demo-helpers.ts): bad picker arguments fail here. */
async function fakeSavePicker(page: Page): Promise<void> {
  await answerSavePicker(page);
}

async function savedFile(page: Page, pattern: RegExp): Promise<string> {
  const names = await page.evaluate(() => (window as unknown as { __pickerSaved: string[] }).__pickerSaved);
  const name = names.find((n) => pattern.test(n));
  expect(name, `no saved file matches ${pattern}`).toBeTruthy();
  return savedText(page, name!);
}

async function openProfiles(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Profiles' })).toBeVisible();
}

test('IEC 62056-21 P.01 load profile and P.98 logbook, saved through the File System Access API', async ({ page }) => {
  test.setTimeout(120_000);
  await page.emulateMedia({ colorScheme: 'dark' });
  await fakeSavePicker(page);
  await useDemo(page);
  await openProfiles(page);
  await page.getByLabel('Device').selectOption('demo_iec');
  // The IEC device offers the programming-mode profiles, not the DLMS ones.
  await expect(page.getByLabel('Profile', { exact: true }).locator('option')).toHaveText(['Load profile (P.01)', 'Logbook (P.98)', 'Other address…']);
  await page.getByRole('button', { name: 'Last 24 hours' }).click();
  await page.getByRole('button', { name: 'Read profile' }).click();
  // A programming-mode read at 300 baud sign-on takes seconds: the progress bar shows meanwhile.
  await expect(page.getByRole('progressbar')).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('.profile-message')).toContainText(/Load profile \(P\.01\): \d+ row\(s\)/, { timeout: 90_000 });
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expect(page.locator('ms-chart canvas')).toBeVisible();
  await page.locator('ms-chart').screenshot({ path: join(SHOTS, 'profiles-chart-dark.png') });
  const shown = await page.locator('table.profile tbody tr').count();
  expect(shown).toBeGreaterThan(10);

  await page.getByRole('button', { name: /^Export CSV: Load profile \(P\.01\)/ }).click();
  await expect(page.getByText(/^Saved meterscope-demo_iec-Load-profile-P\.01-\d{8}-\d{6}\.csv\.$/)).toBeVisible();
  const rows = csvRows(await savedFile(page, /\.csv$/));
  expect(rows[0]![0]).toBe('Time');
  expect(rows[0]!.slice(1).some((h) => /\[k?W/.test(h))).toBe(true);
  expect(rows.length - 1).toBeGreaterThanOrEqual(shown);
  for (const r of rows.slice(1)) {
    expect(r[0]).toMatch(ISO_WITH_OFFSET);
    expect(r.length).toBe(rows[0]!.length);
  }
  await page.getByRole('button', { name: /^Export JSON: Load profile/ }).click();
  await expect(page.getByText(/^Saved meterscope-demo_iec-.*\.json\.$/)).toBeVisible();
  const json = JSON.parse(await savedFile(page, /\.json$/)) as { device_alias: string; rows: unknown[][]; columns: { unit?: string }[] };
  expect(json.device_alias).toBe('demo_iec');
  expect(json.rows).toHaveLength(rows.length - 1);

  // The logbook: an event table.
  await page.getByLabel('Profile', { exact: true }).selectOption('P.98');
  await page.getByRole('button', { name: 'Last 30 days' }).click();
  await page.getByRole('button', { name: 'Read profile' }).click();
  await expect(page.locator('.profile-message')).toContainText(/Logbook \(P\.98\): \d+ row\(s\)/, { timeout: 90_000 });
  await expect(page.getByRole('heading', { level: 2, name: /Logbook \(P\.98\)/ })).toBeVisible();
});

test('a DLMS event log is stored, survives a reload, reopens and fits a 360 px screen', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await useDemo(page);
  await openProfiles(page);
  await page.getByLabel('Device').selectOption('demo_dlms');
  await page.getByLabel('Profile', { exact: true }).selectOption('0.0.99.98.0.255');
  await page.getByRole('button', { name: 'Last 30 days' }).click();
  await page.getByRole('button', { name: 'Read profile' }).click();
  await expect(page.locator('.profile-message')).toContainText(/Standard event log: \d+ row\(s\) in [\d.]+ s, stored/, { timeout: 90_000 });
  const count = Number(/(\d+) row/.exec((await page.locator('.profile-message').textContent())!)![1]);
  expect(count).toBeGreaterThan(0);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, 'profiles-event-log-360.png'), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // Stored in IndexedDB: after a reload (a fresh worker, nothing in memory) it is listed and opens again.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Profiles' })).toBeVisible();
  const stored = page.locator('ul.stored li').filter({ hasText: 'Standard event log' });
  await expect(stored).toContainText(`${count} row(s)`);
  await stored.getByRole('button', { name: /^Open Standard event log of demo_dlms/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Standard event log — demo_dlms' })).toBeVisible();
  await expect(page.locator('table.profile caption')).toHaveText(`Standard event log: ${count} rows`);
});

test('a date range that ends before it starts is refused before the meter is asked', async ({ page }) => {
  // Loading the demo and the lazily loaded page takes most of the default 30 s on a busy machine.
  test.setTimeout(90_000);
  await useDemo(page);
  await openProfiles(page);
  await page.getByLabel('From', { exact: true }).fill('2026-11-25T12:00');
  await page.getByLabel('To', { exact: true }).fill('2026-11-24T12:00');
  await page.getByRole('button', { name: 'Read profile' }).click();
  await expect(page.locator('.profile-message')).toHaveText('The start must be before the end.');
  await expect(page.locator('ms-chart')).toHaveCount(0);
});
