import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useDemo } from './demo-helpers';
import { ROOT } from './helpers';

const SHOTS = join(ROOT, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

async function openObject(page: Page, filter: string, obis: string) {
  await page.getByLabel('Filter objects').fill(filter);
  const obj = page.locator('ul.objects > li').filter({ hasText: obis });
  await expect(obj).toHaveCount(1);
  if ((await obj.locator('details').getAttribute('open')) === null) await obj.locator('summary').click();
  return obj;
}

async function readAttr(page: Page, obj: ReturnType<Page['locator']>, name: string, obis: string, row: number) {
  await obj.getByRole('button', { name: `Read ${name} of ${obis}` }).click();
  const cell = obj.locator('td.attr-value').nth(row);
  await expect(cell).not.toContainText('Reading…', { timeout: 30_000 });
  await expect(cell).toHaveText(/\S/, { timeout: 30_000 });
  return cell;
}

for (const width of [1280, 360]) {
  test(`objects decoded by class at ${width} px: a clock's time with deviation and status, a profile's capture objects as OBIS names`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width, height: 900 });
    await useDemo(page);
    await page.getByRole('link', { name: 'Browse objects of demo_dlms' }).click();
    await page.getByRole('button', { name: 'Read object list' }).click();
    await expect(page.locator('.objects-message')).toContainText(/object\(s\) in the association of demo_dlms/, { timeout: 60_000 });

    // The clock: ISO 8601 in the meter's local time with its deviation, status in words, bytes beside.
    const clock = await openObject(page, 'clock', '0.0.1.0.0.255');
    const time = await readAttr(page, clock, 'time', '0.0.1.0.0.255', 1);
    await expect(time).toContainText(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d\d)?\+01:00 \(deviation -60 min, status ok\)/);
    await expect(time.locator('.raw')).toHaveText(/^bytes 07EA[0-9A-F]{14}FFC400$/);
    await expect(time).not.toContainText('octet-string');
    await expect(await readAttr(page, clock, 'clock_base', '0.0.1.0.0.255', 8)).toHaveText('internal crystal (1)');
    await expect(await readAttr(page, clock, 'status', '0.0.1.0.0.255', 3)).toHaveText('ok (no flag set)');

    // The load profile's capture objects: OBIS, words, attribute and class; never raw structures.
    const lp = await openObject(page, '99.1.0', '1.0.99.1.0.255');
    await expect(lp.getByRole('link', { name: /Read the buffer of 1\.0\.99\.1\.0\.255 by date range/ })).toBeVisible();
    const co = await readAttr(page, lp, 'capture_objects', '1.0.99.1.0.255', 2);
    await expect(co).toContainText('4 element(s)');
    const items = co.locator('ul.view > li');
    await expect(items).toHaveCount(4);
    await expect(items.nth(0)).toContainText(/0\.0\.1\.0\.0\.255 .*· time \(attribute 2\) · Clock/);
    await expect(items.nth(2)).toContainText(/1\.0\.1\.8\.0\.255 .*· value \(attribute 2\) · Register/);
    await expect(co).not.toContainText('structure');
    await expect(await readAttr(page, lp, 'capture_period', '1.0.99.1.0.255', 3)).toHaveText('900 s');
    await expect(await readAttr(page, lp, 'sort_method', '1.0.99.1.0.255', 4)).toHaveText('fifo (1)');

    // A register: scaler_unit as 10^-2 Hz, the value with the meter's two decimals.
    const f = await openObject(page, 'frequency', '1.0.14.7.0.255');
    await expect(await readAttr(page, f, 'scaler_unit', '1.0.14.7.0.255', 2)).toContainText('10^-2 Hz');
    await expect(await readAttr(page, f, 'value', '1.0.14.7.0.255', 1)).toContainText(/^\s*\d{2}\.\d{2} Hz/);

    // Each decoded object as an artifact (the whole list would be a very long image).
    await page.evaluate(() => document.fonts.ready);
    for (const [q, obis, name] of [['clock', '0.0.1.0.0.255', 'clock'], ['99.1.0', '1.0.99.1.0.255', 'capture-objects']] as const) {
      const o = await openObject(page, q, obis);
      await o.screenshot({ path: join(SHOTS, `objects-${name}-${width}.png`) });
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });
}
