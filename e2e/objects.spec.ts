import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useDemo } from './demo-helpers';
import { ROOT } from './helpers';

const SHOTS = join(ROOT, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

test('the object browser says what to do when no DLMS device is loaded; Read stays current in the navigation', async ({ page }) => {
  await page.goto('./#/objects');
  await expect(page.getByRole('heading', { level: 1, name: 'Objects' })).toBeVisible();
  await expect(page.getByText('No DLMS device is loaded.')).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Read' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link')).toHaveCount(6);
});

test('keyboard only, at 360 px: read the object list, open an object, read an attribute, add it once', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await useDemo(page);
  await page.getByRole('link', { name: 'Browse objects of demo_dlms' }).click();
  await expect(page).toHaveURL(/#\/objects\?device=demo_dlms$/);
  await expect(page.getByLabel('DLMS device')).toHaveValue('demo_dlms');

  await page.getByRole('button', { name: 'Read object list' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.objects-message')).toContainText(/(\d+) object\(s\) in the association of demo_dlms/, { timeout: 60_000 });
  const total = Number(/(\d+) object/.exec((await page.locator('.objects-message').textContent())!)![1]);
  expect(total).toBeGreaterThan(10);
  await expect(page.locator('ul.objects > li')).toHaveCount(total);

  await page.getByLabel('Filter objects').focus();
  await page.keyboard.type('frequency');
  const obj = page.locator('ul.objects > li');
  await expect(obj).toHaveCount(1);
  await expect(obj).toContainText('1.0.14.7.0.255');
  await page.keyboard.press('Tab'); // onto the object's summary
  await expect(obj.locator('summary')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(obj.locator('details')).toHaveAttribute('open', '');
  const readValue = obj.getByRole('button', { name: 'Read value of 1.0.14.7.0.255' });
  await readValue.focus();
  await page.keyboard.press('Enter');
  await expect(obj.locator('td.attr-value').nth(1)).toContainText(/\d.*Hz/, { timeout: 30_000 });
  const scaler = obj.getByRole('button', { name: 'Read scaler_unit of 1.0.14.7.0.255' });
  await scaler.focus();
  await page.keyboard.press('Enter');
  await expect(obj.locator('td.attr-value').nth(2)).toHaveText(/\S/, { timeout: 30_000 });
  await expect(obj.locator('td.attr-value').nth(2)).not.toContainText('Reading…', { timeout: 30_000 });
  await expect(obj.locator('td.attr-value').nth(2)).not.toContainText('✗');

  // Frequency is already a signal of the demo configuration: it is not added twice.
  const add = obj.getByRole('button', { name: 'Add value of 1.0.14.7.0.255 as a signal' });
  await add.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.objects-message')).toHaveText('1.0.14.7.0.255:2 is already a signal of demo_dlms ("1_0_14_7_0").');
  // Its scaler_unit is not: it is added, and the stored copy lists it too.
  await obj.getByRole('button', { name: 'Add scaler_unit of 1.0.14.7.0.255 as a signal' }).click();
  await expect(page.locator('.objects-message')).toContainText('Added signal "obis_1_0_14_7_0_255_a3"');
  const stored = await page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onsuccess = () => {
          const get = open.result.transaction('configs').objectStore('configs').get('Demo meter');
          get.onsuccess = () => resolve((get.result as { raw: string }).raw);
          get.onerror = () => reject(get.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
  const signals = (JSON.parse(stored) as { signals: { signal_alias: string; obis_job: string }[] }).signals;
  expect(signals.filter((s) => s.obis_job === '1.0.14.7.0.255:3').map((s) => s.signal_alias)).toEqual(['obis_1_0_14_7_0_255_a3']);

  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, 'objects-360.png'), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const box = await add.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
});
