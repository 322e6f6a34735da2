import { expect, test, type Page } from '@playwright/test';
import { answerSavePicker, csvRows, saveVia } from './demo-helpers';

/**
 * A HAN adapter on Web Serial (simulated through the app's serial seam, kind 'dlms-push': the DEMO-HAN
 * meter pushing a ciphered Kamstrup-like list every 2 s): the Read page shows the live values, the
 * power sparkline and the counts, and the pushes are stored and exported.
 */

const KEYS = {
  // The published demo keys of src/sim/demo-han.ts (used by no real meter).
  block_cipher_key: '4d6574657253636f706544656d6f2121',
  authentication_key: '44656d6f48414e41757468656e746963',
  system_title: '4b414d0012345678',
};

const CONFIG = {
  devices: [
    {
      name: 'HAN port',
      device_alias: 'han',
      protocol: 'DLMS',
      mode: 'PUSH',
      device: 'PORT1',
      baudrate: 9600,
      databits: 8,
      parity: 'none',
      stopbits: 1,
      push_link_layer: 'auto',
      push_interval_ms: 2000,
      push_all_values: 1,
      ...KEYS,
    },
  ],
  signals: [{ signal_name: 'Active power import', device_alias: 'han', signal_alias: 'p_import', obis_job: '1-1:1.7.0' }],
};

async function seed(page: Page, name: string, config: unknown): Promise<void> {
  await page.evaluate(
    ({ name, raw }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onsuccess = () => {
          const tx = open.result.transaction(['configs'], 'readwrite');
          tx.objectStore('configs').put({ name, raw, savedAt: Date.now() });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    { name, raw: JSON.stringify(config, null, 2) },
  );
}

test('a HAN push port shows live values and counts, and its pushes are stored and exported', async ({ page }) => {
  test.setTimeout(90_000);
  await page.addInitScript(() => {
    (window as unknown as { __meterscopeE2E: boolean }).__meterscopeE2E = true;
  });
  await answerSavePicker(page);
  await page.goto('./#/read');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await seed(page, 'HAN site', CONFIG);
  await page.reload();
  await page.getByLabel('Saved configuration').selectOption('HAN site');
  await page.getByRole('button', { name: 'Load into engine' }).click();
  await expect(page.locator('.load-message')).toContainText('Loaded "HAN site"');

  type Seam = { simulateSerial(k: string[]): Promise<unknown>; rememberPort(n: string, c: unknown): Promise<void> };
  const seam = (fn: (e: Seam) => Promise<unknown>) => page.evaluate(`(${fn.toString()})(window.__meterscopeEngine)`);
  await seam((e) => e.simulateSerial(['dlms-push']));
  await seam((e) => e.rememberPort('PORT1', { info: { usbVendorId: 0x0403, usbProductId: 0x6015 }, index: 0 }));

  await page.getByRole('button', { name: 'Start polling' }).click();
  const live = page.locator('ms-push-live section[data-device="han"]');
  await expect(live).toBeVisible();
  // Within one push interval or two: the power, every value of the list (named by OBIS), the counts.
  await expect(live.getByTestId('push-power')).toHaveText(/^\d+ W$/, { timeout: 30_000 });
  await expect(live.getByTestId('push-values')).toContainText('p_import');
  await expect(live.getByTestId('push-values')).toContainText('1.1.32.7.0.255');
  await expect(live.getByTestId('push-counts')).toContainText(/(?:[2-9]|[1-9]\d+) pushes, 0 missing, 0 bad/, { timeout: 30_000 });
  await expect(live.locator('svg[role="img"]')).toHaveAttribute('aria-label', /Active power over the last \d+ pushes/);
  await page.getByRole('button', { name: 'Stop polling' }).click();

  const csv = await saveVia(page, /^Export CSV: Everything stored/);
  const rows = csvRows(csv.text).slice(1);
  const power = rows.filter((r) => r[1] === 'han' && r[4] === 'p_import');
  expect(power.length).toBeGreaterThanOrEqual(2);
  expect(power.every((r) => r[9] === 'good' && /^\d+$/.test(r[7]) && r[8] === 'W')).toBe(true);
  expect(rows.some((r) => r[1] === 'han' && r[4] === '1.1.32.7.0.255')).toBe(true);
  // The keys never reach an export.
  expect(csv.text).not.toContain(KEYS.block_cipher_key);
});
