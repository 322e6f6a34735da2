import { expect, test } from '@playwright/test';
import { answerSavePicker, saveVia } from './demo-helpers';
import { openPage } from './helpers';

test('History lists readings stored in IndexedDB, newest first, and filters by device', async ({ page }) => {
  await openPage(page, 'history', 'History');
  await expect(page.getByText('No readings stored yet.')).toBeVisible();

  // Written with the raw IndexedDB API (as another tab or the engine would), read back by the store.
  const base = Date.UTC(2026, 0, 15, 8, 0, 0);
  await page.evaluate(
    (t0) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('readings', 'readwrite');
          const s = tx.objectStore('readings');
          s.add({ ts: t0, device_alias: 'incomer', signal_alias: 'ea_import', value: 1234.5, unit: 'kWh', quality: 'good', address: '1.0.1.8.0.255' });
          s.add({ ts: t0 + 60_000, device_alias: 'incomer', signal_alias: 'ea_import', value: 1235.25, unit: 'kWh', quality: 'good' });
          s.add({ ts: t0 + 30_000, device_alias: 'feeder3', signal_alias: 'p', value: null, quality: 'bad', error: 'TIMEOUT' });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    base,
  );

  await page.reload();
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(4); // header + 3
  // The locale's number format (Chromium here: en-US), as on the Read page; exports stay machine format.
  await expect(rows.nth(1)).toContainText('1,235.25 kWh');
  await expect(rows.nth(2)).toContainText('bad (TIMEOUT)');
  await expect(rows.nth(3)).toContainText('1.0.1.8.0.255');

  await page.getByLabel('Device alias (empty for all)').fill('feeder3');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('feeder3');
});

/** Readings of two devices over two hours, written straight into IndexedDB. */
async function seedReadings(page: import('@playwright/test').Page, t0: number): Promise<void> {
  await page.evaluate(
    (base) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('readings', 'readwrite');
          const s = tx.objectStore('readings');
          for (let i = 0; i < 12; i++) {
            const ts = base + i * 10 * 60_000;
            s.add({ ts, device_alias: 'incomer', signal_alias: 'ea_import', value: 1000 + i, unit: 'kWh', quality: 'good' });
            s.add({ ts, device_alias: 'incomer', signal_alias: 'voltage', value: 230 + i / 10, unit: 'V', quality: 'good' });
            s.add({ ts, device_alias: 'feeder3', signal_alias: 'ea_import', value: 50 + i, unit: 'kWh', quality: 'good' });
          }
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    t0,
  );
}

/** datetime-local text of an epoch in the browser's zone (the test and the browser share it). */
function local(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

test('History filters by device, signal and time, exports exactly that selection, and deletes it', async ({ page }) => {
  test.setTimeout(60_000);
  // The real save picker, its dialog answered (demo-helpers.ts): bad picker arguments fail here.
  await answerSavePicker(page);
  await openPage(page, 'history', 'History');
  // Storage use and persistence are on the page.
  await expect(page.locator('.usage')).toHaveText(/\d+(\.\d)? (B|KB|MB|GB)/);
  await expect(page.locator('.persisted')).toHaveText(/^(Persistent|Not persistent)/);

  const t0 = new Date(2026, 0, 15, 8, 0, 0).getTime();
  await seedReadings(page, t0);
  await page.reload();
  await expect(page.getByRole('heading', { name: /^36 readings: all readings/ })).toBeVisible();

  await page.getByLabel('Device alias (empty for all)').fill('incomer');
  await page.getByLabel('Signal alias (empty for all)').fill('ea_import');
  // 08:30 .. 09:00 inclusive of the whole end minute: 08:30, 08:40, 08:50, 09:00.
  await page.getByLabel('From', { exact: true }).fill(local(t0 + 30 * 60_000));
  await page.getByLabel('To', { exact: true }).fill(local(t0 + 60 * 60_000));
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByRole('heading', { name: /^4 readings: device incomer, signal ea_import/ })).toBeVisible();
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(5);
  await expect(rows.nth(1)).toContainText('1,006 kWh');

  const saved = await saveVia(page, /^Export CSV: This selection/);
  expect(saved.name).toMatch(/readings-incomer-ea_import.*\.csv$/);
  const csv = saved.text.trim().split(/\r?\n/);
  expect(csv[0]).toBe('ts,device_alias,device_name,meter_id,signal_alias,signal_name,address,value,unit,quality,error,raw');
  expect(csv.slice(1).map((l) => l.split(',')[7])).toEqual(['1003', '1004', '1005', '1006']);

  const json = JSON.parse((await saveVia(page, /^Export JSON: This selection/)).text) as { value: number }[];
  expect(json.map((r) => r.value)).toEqual([1003, 1004, 1005, 1006]);

  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Delete 4 readings' }).click();
  await expect(page.locator('p.message')).toHaveText('Deleted 4 reading(s).');
  // The Delete button disabled itself: focus is on the emptied selection, and the outcome was said.
  await expect(page.locator('#ms-announcer')).toHaveText('Deleted 4 reading(s).');
  await expect(page.getByText('No stored reading matches these filters.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByRole('heading', { name: /^32 readings: all readings/ })).toBeVisible();
});

test('History refuses an end before the start', async ({ page }) => {
  await openPage(page, 'history', 'History');
  await page.getByLabel('From', { exact: true }).fill('2026-01-15T10:00');
  await page.getByLabel('To', { exact: true }).fill('2026-01-15T09:00');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByText('The start time is after the end time.')).toBeVisible();
});
