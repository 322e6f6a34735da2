import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useDemo } from './demo-helpers';
import { ROOT } from './helpers';

const SHOTS = join(ROOT, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

/** `datetime-local` text of now - hours, in the page's own time zone. */
async function hoursAgo(page: Page, hours: number): Promise<string> {
  return page.evaluate((h) => {
    const d = new Date(Date.now() - h * 3_600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, hours);
}

for (const width of [1280, 360]) {
  test(`a DLMS load profile charted as energy per interval at ${width} px: bars, SI units, a gap, status decoded`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width, height: 900 });
    await useDemo(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
    await page.getByLabel('Device').selectOption('demo_dlms');
    await page.getByLabel('Profile', { exact: true }).selectOption('1.0.99.1.0.255');
    // The demo meter lost power for 75 minutes about 50 hours ago.
    await page.getByLabel('From', { exact: true }).fill(await hoursAgo(page, 56));
    await page.getByLabel('To', { exact: true }).fill(await hoursAgo(page, 40));
    await page.getByRole('button', { name: 'Read profile' }).click();
    await expect(page.locator('.profile-message')).toContainText(/row\(s\) in [\d.]+ s, stored/, { timeout: 180_000 });

    // Energy per interval by default: bars of hundreds of Wh, not a flat 123 MWh register.
    await expect(page.getByRole('radio', { name: 'Energy per interval' })).toBeChecked();
    const chart = page.locator('ms-chart');
    await expect(chart.locator('canvas')).toBeVisible();
    await expect(chart.getByRole('img')).toHaveAttribute('aria-label', /^Chart of Load profile.*: \d+ points .*5 interval\(s\) missing; .*energy per interval from \d+(\.\d+)? Wh to \d+(\.\d+)? Wh/);
    await expect(chart.locator('.u-legend')).toContainText('energy per interval [Wh]');
    await expect(page.locator('.chart-notes')).toHaveText(/^Interval 15 min · bars end at each interval’s time stamp · 5 interval\(s\) missing \(gaps\) · 1 interval\(s\) with status flags\.$/);
    await page.locator('details.flagged summary').click();
    await expect(page.locator('details.flagged li')).toHaveText([/: power down$/]);
    // The status column of the table in words.
    await expect(page.locator('table.profile td').filter({ hasText: '128 · power down' })).toHaveCount(1);
    await expect(page.locator('table.profile td').filter({ hasText: '0 · ok' }).first()).toBeVisible();
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(SHOTS, `profiles-energy-${width}.png`), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // Average demand in W (kW on the axis when large), then the registers themselves with an SI prefix.
    await page.getByRole('radio', { name: 'Average demand' }).check();
    await expect(chart.locator('.u-legend')).toContainText(/average demand \[k?W\]/);
    await page.getByRole('radio', { name: 'Register values' }).check();
    await expect(chart.locator('.u-legend')).toContainText(/\[MWh\]/);
    // Pick columns: only the export register.
    await page.getByRole('radio', { name: 'Energy per interval' }).check();
    await page.getByRole('group', { name: 'Columns' }).getByRole('checkbox', { name: /import/ }).uncheck();
    await expect(chart.locator('.u-legend')).not.toContainText('import');
    await expect(chart.locator('.u-legend')).toContainText(/export.*energy per interval/);
    await page.locator('ms-chart').screenshot({ path: join(SHOTS, `profiles-chart-export-${width}.png`) });
  });
}
