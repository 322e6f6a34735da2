import { expect, test } from '@playwright/test';
import { answerSavePicker, csvRows, saveVia, useDemo } from './demo-helpers';

/**
 * Issue 21: the app shows a DSMR 2.2 meter's gas reading with its time. The demo P1 port (DEMO-P1) pushes
 * a real DSMR 2.2 telegram, where the gas value sits on the line after
 * `0-1:24.3.0(161107190000)(00)(60)(1)(0-1:24.2.1)(m3)`. The reading must be that value in m3, stamped
 * with the meter's time (19:00 in Amsterdam, 18:00 UTC), never the time stamp taken as the value.
 */
test.use({ timezoneId: 'Europe/Amsterdam', locale: 'en-GB' });

test('the demo P1 meter: DSMR 2.2 gas in m3 with the time the meter gave it, on screen and in the export', async ({ page }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await answerSavePicker(page);
  await useDemo(page);
  await page.getByLabel('Device', { exact: true }).selectOption('demo_p1');
  await page.getByRole('button', { name: 'Read now' }).click();
  // The P1 port pushes a telegram every 10 s; the read takes the next complete one.
  await expect(page.locator('.read-message')).toContainText('Read 1 value(s)', { timeout: 45_000 });
  await expect(page.locator('tr[data-device="demo_p1"]')).toContainText('Read OK');

  const gas = page.locator('ms-live-table tr[data-key="demo_p1/gas"]');
  await expect(gas).toContainText('Gas delivered');
  await expect(gas.locator('td[data-label="Value"]')).toHaveText('1.001');
  await expect(gas.locator('td[data-label="Unit"]')).toHaveText('m3');
  await expect(gas).toContainText('good');
  // The meter's time (local, Amsterdam), not the time of the read.
  await expect(gas.locator('td[data-label="Time"]')).toHaveText('07/11/2016, 19:00:00');

  const csv = await saveVia(page, /^Export CSV: This read/);
  const [head, ...rows] = csvRows(csv.text);
  const row = rows.find((r) => r[head.indexOf('signal_alias')] === 'gas')!;
  expect(row).toBeDefined();
  expect(Number(row[head.indexOf('value')])).toBe(1.001);
  expect(row[head.indexOf('unit')]).toBe('m3');
  expect(row[head.indexOf('quality')]).toBe('good');
  expect(new Date(row[head.indexOf('ts')]).getTime()).toBe(Date.UTC(2016, 10, 7, 18));
  // The meter's own text of its time is kept beside the converted one.
  expect(row[head.indexOf('raw')]).toBe('161107190000');
  expect(errors).toEqual([]);
});
