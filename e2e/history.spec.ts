import { expect, test } from '@playwright/test';
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
  await expect(rows.nth(1)).toContainText('1235.25 kWh');
  await expect(rows.nth(2)).toContainText('bad (TIMEOUT)');
  await expect(rows.nth(3)).toContainText('1.0.1.8.0.255');

  await page.getByLabel('Device alias (empty for all)').fill('feeder3');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('feeder3');
});
