import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ISO_WITH_OFFSET, answerSavePicker, csvRows, saveVia as download, useDemo } from './demo-helpers';
import { ROOT } from './helpers';

/**
 * The first-time user with no hardware: open the app, pick the demo meter, read it, see values with
 * units and names, browse its objects, read a load profile as a chart, export CSV and JSON.
 * The demo meters are real protocol sessions against simulators in the worker, at real line speed.
 */
const SHOTS = join(ROOT, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

test('a new user reads the demo meter, browses its objects, reads a load profile and exports everything', async ({ page }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The real save picker stays on: its argument checks run, only the dialog is answered.
  await answerSavePicker(page);

  // 1. Pick the demo meter: it is saved as a configuration too, so the Meters page lists it.
  await useDemo(page);
  await expect(page.getByLabel('Saved configuration')).toHaveValue('Demo meter');
  const devices = page.locator('table.devices');
  for (const alias of ['demo_dlms', 'demo_iec', 'demo_gama', 'demo_epqs', 'demo_p1']) await expect(devices).toContainText(alias);

  // 2. Read every demo meter once. The IEC meter signs on at 300 baud, so that read takes seconds:
  //    its state and a progress bar show while it runs.
  await expect(page.getByLabel('Device', { exact: true })).toHaveValue('');
  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.getByRole('progressbar').first()).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('.read-message')).toContainText(/Read \d+ value\(s\)/, { timeout: 90_000 });
  for (const alias of ['demo_dlms', 'demo_iec', 'demo_gama', 'demo_epqs', 'demo_p1']) {
    await expect(page.locator(`tr[data-device="${alias}"]`)).toContainText('Read OK');
  }
  await expect(page.getByRole('progressbar')).toHaveCount(0);

  // 3. Values with units and names (configuration name and OBIS in words).
  const energy = page.locator('ms-live-table tr[data-key="demo_dlms/1_0_1_8_0"]');
  await expect(energy).toContainText('Active energy import (+A)');
  await expect(energy).toContainText('Active energy import (+A), total'); // the dictionary's words
  await expect(energy.locator('td[data-label="Unit"]')).toHaveText(/\S/);
  await expect(energy.locator('td[data-label="Value"]')).toHaveText(/\d/);
  await expect(energy).toContainText('good');
  const voltage = page.locator('ms-live-table tr[data-key="demo_dlms/1_0_32_7_0"]');
  await expect(voltage.locator('td[data-label="Unit"]')).toHaveText('V');
  await page.screenshot({ path: join(SHOTS, 'demo-read.png'), fullPage: true });

  // 4. Export this read as CSV and JSON; the files' contents are checked.
  const csv = await download(page, /^Export CSV: This read/);
  expect(csv.name).toMatch(/^meterscope-this-read-\d{8}-\d{6}\.csv$/);
  const rows = csvRows(csv.text);
  expect(rows[0]).toEqual(['ts', 'device_alias', 'device_name', 'meter_id', 'signal_alias', 'signal_name', 'address', 'value', 'unit', 'quality', 'error', 'raw']);
  const dataRows = rows.slice(1);
  expect(dataRows.length).toBeGreaterThan(5);
  for (const r of dataRows) expect(r[0]).toMatch(ISO_WITH_OFFSET);
  expect(new Set(dataRows.map((r) => r[1]))).toEqual(new Set(['demo_dlms', 'demo_iec', 'demo_gama', 'demo_epqs', 'demo_p1']));
  const csvEnergy = dataRows.find((r) => r[4] === '1_0_1_8_0')!;
  expect(csvEnergy[2]).toBe('Demo three-phase meter (DLMS/COSEM)');
  expect(csvEnergy[5]).toBe('Active energy import (+A)');
  expect(csvEnergy[6]).toMatch(/^1\.0\.1\.8\.0\.255(:2)?$/);
  expect(Number(csvEnergy[7])).toBeGreaterThan(0);
  expect(csvEnergy[8]).toMatch(/Wh$/);
  expect(csvEnergy[9]).toBe('good');

  const json = await download(page, /^Export JSON: This read/);
  expect(json.name).toMatch(/\.json$/);
  const list = JSON.parse(json.text) as { ts: string; signal_alias: string; value: unknown; unit?: string; quality: string }[];
  expect(list).toHaveLength(dataRows.length);
  const jsonVoltage = list.find((r) => r.signal_alias === '1_0_32_7_0')!;
  expect(jsonVoltage.ts).toMatch(ISO_WITH_OFFSET);
  expect(jsonVoltage.unit).toBe('V');
  expect(typeof jsonVoltage.value).toBe('number');

  // Everything stored: at least this read (committed before it was shown).
  const all = await download(page, /^Export CSV: Everything stored/);
  expect(csvRows(all.text).length - 1).toBeGreaterThanOrEqual(dataRows.length);

  // 5. The object browser: the association's object list, one attribute read, one added as a signal.
  await page.getByRole('link', { name: 'Browse objects of demo_dlms' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Objects' })).toBeVisible();
  await page.getByRole('button', { name: 'Read object list' }).click();
  await expect(page.locator('.objects-message')).toContainText(/\d+ object\(s\) in the association/, { timeout: 60_000 });
  await page.getByLabel('Filter objects').fill('1.0.32.7.0.255');
  const obj = page.locator('ul.objects > li').filter({ hasText: '1.0.32.7.0.255' });
  await expect(obj).toHaveCount(1);
  await expect(obj).toContainText('Voltage L1');
  await expect(obj).toContainText('Register');
  await obj.locator('summary').click();
  await obj.getByRole('button', { name: /^Read value of 1\.0\.32\.7\.0\.255/ }).click();
  await expect(obj.locator('td.attr-value').nth(1)).toContainText(/\d.*V/, { timeout: 30_000 });
  // The clock is not a signal of the demo configuration yet: add its time.
  await page.getByLabel('Filter objects').fill('0.0.1.0.0.255');
  const clock = page.locator('ul.objects > li').filter({ hasText: '0.0.1.0.0.255' });
  await clock.locator('summary').click();
  await clock.getByRole('button', { name: /^Add \S+ of 0\.0\.1\.0\.0\.255 as a signal/ }).first().click();
  await expect(page.locator('.objects-message')).toContainText('Added signal "obis_0_0_1_0_0_255_a2"');
  await expect(page.locator('.objects-message')).toContainText('to "Demo meter" and reloaded it.');
  await page.screenshot({ path: join(SHOTS, 'demo-objects.png'), fullPage: true });
  // The new signal is read with the others.
  await page.getByRole('link', { name: 'Back to Read' }).click();
  const added = page.locator('ms-live-table tr[data-key="demo_dlms/obis_0_0_1_0_0_255_a2"]');
  await expect(added).toContainText('waiting');
  await page.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.locator('.read-message')).toContainText(/Read 17 value\(s\)/, { timeout: 60_000 });
  await expect(added).toContainText('good');

  // 6. Profiles: the load profile of the last 24 hours as a chart and a table, stored, exported.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Profiles' })).toBeVisible();
  await page.getByLabel('Device').selectOption('demo_dlms');
  await page.getByLabel('Profile', { exact: true }).selectOption('1.0.99.1.0.255');
  await page.getByRole('button', { name: 'Last 24 hours' }).click();
  await page.getByRole('button', { name: 'Read profile' }).click();
  await expect(page.locator('.profile-message')).toContainText(/row\(s\) in [\d.]+ s, stored/, { timeout: 90_000 });
  const chart = page.locator('ms-chart');
  await expect(chart.locator('canvas')).toBeVisible();
  await expect(chart.getByRole('img')).toHaveAttribute('aria-label', /^Chart of .*: \d+ points/);
  const tableRows = page.locator('table.profile tbody tr');
  // 96 quarter hours, shown 50 rows a page.
  expect(await tableRows.count()).toBe(50);
  await expect(page.locator('.page-label')).toHaveText(/^rows 1–50 of (5[1-9]|[6-9]\d|\d{3,})$/);
  await expect(page.locator('ul.stored li').first()).toContainText('demo_dlms');
  await page.screenshot({ path: join(SHOTS, 'demo-profile.png'), fullPage: true });

  const pcsv = await download(page, /^Export CSV: /);
  const prows = csvRows(pcsv.text);
  expect(prows[0]![0]).toBe('Time');
  expect(prows[0]!.some((h) => /\[[^\]]*Wh\]$/.test(h))).toBe(true); // a unit in the header
  expect(prows.length - 1).toBe(await page.locator('table.profile').evaluate((t) => Number(/(\d+) rows/.exec(t.querySelector('caption')!.textContent!)![1])));
  for (const r of prows.slice(1)) expect(r[0]).toMatch(ISO_WITH_OFFSET);
  const pjson = JSON.parse((await download(page, /^Export JSON: /)).text) as { device_alias: string; columns: { name: string }[]; rows: unknown[][] };
  expect(pjson.device_alias).toBe('demo_dlms');
  expect(pjson.rows).toHaveLength(prows.length - 1);
  expect(pjson.rows[0]![0]).toMatch(ISO_WITH_OFFSET);

  expect(errors).toEqual([]);
});

test('at 360 px the Read page fits the screen and shows each value with its unit', async ({ page }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await useDemo(page);
  await page.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.locator('.read-message')).toContainText(/Read \d+ value\(s\)/, { timeout: 60_000 });
  const voltage = page.locator('ms-live-table tr[data-key="demo_dlms/1_0_32_7_0"]');
  await expect(voltage.locator('td[data-label="Unit"]')).toHaveText('V');
  await voltage.scrollIntoViewIfNeeded();
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, 'demo-read-360.png') });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  for (const name of ['Read now', 'Start polling', 'Stop polling', 'Cancel read', 'Use the demo meter']) {
    const box = await page.getByRole('button', { name }).boundingBox();
    expect(box!.height, name).toBeGreaterThanOrEqual(44);
  }
});

test('a long read can be cancelled; polling starts and stops; values keep arriving while polling', async ({ page }) => {
  test.setTimeout(90_000);
  await useDemo(page);
  // The IEC meter signs on at 300 baud: cancel while it is still talking.
  await page.getByLabel('Device', { exact: true }).selectOption('demo_iec');
  await page.getByRole('button', { name: 'Read now' }).click();
  // Cancel at once: on a loaded machine, waiting to see the state first can outlast the 4 s read.
  // "Cancelled." below says the read was still running when the click landed.
  await page.getByRole('button', { name: 'Cancel read' }).click();
  await expect(page.locator('.read-message')).toContainText('Cancelled.');
  await expect(page.locator('tr[data-device="demo_iec"]')).not.toContainText(/Connecting|Signing on|Reading/);
  await expect(page.getByRole('button', { name: 'Read now' })).toBeEnabled();

  await page.getByRole('button', { name: 'Start polling' }).click();
  await expect(page.locator('.read-message')).toContainText('Polling 5 device(s)');
  await expect(page.getByRole('banner')).toContainText('Engine: running');
  await expect(page.locator('ms-live-table tr[data-key="demo_dlms/1_0_1_8_0"]')).toContainText('good', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Export CSV: This read' })).toBeEnabled();
  await page.getByRole('button', { name: 'Stop polling' }).click();
  await expect(page.locator('.read-message')).toHaveText('Stopped.');
  await expect(page.getByRole('banner')).toContainText('Engine: loaded');
});

test('the port choices say what this browser can do, and the bridge token is never shown', async ({ page }) => {
  await page.goto('./#/settings');
  // Wait for the page's stored settings to load, or they would overwrite what is typed.
  await expect(page.locator('.usage')).toHaveText(/\d/);
  await page.getByLabel('Bridge address').fill('ws://127.0.0.1:8765');
  await page.getByLabel('Bridge token').fill('s3cret-token');
  await page.getByRole('button', { name: 'Save bridge settings' }).click();
  await expect(page.getByText('Bridge settings saved.')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Read' }).click();
  // Chromium has Web Serial: the picker is offered (the picker itself needs a user and real hardware).
  await expect(page.getByRole('button', { name: 'Choose serial port…' })).toBeVisible();
  // Nothing is loaded yet, so the port name is typed (PORT1 by default) rather than chosen from a list.
  await expect(page.getByLabel('Port name in the configuration')).toHaveValue('PORT1');
  await expect(page.locator('.bridge-url')).toHaveText('ws://127.0.0.1:8765');
  await expect(page.getByText('token set')).toBeVisible();
  await expect(page.getByText('s3cret-token')).toHaveCount(0);
});

test('a browser without Web Serial or WebUSB is told so plainly', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'serial', { get: () => undefined, configurable: true });
    Object.defineProperty(Navigator.prototype, 'usb', { get: () => undefined, configurable: true });
  });
  await page.goto('./#/read');
  await expect(page.locator('.no-serial')).toContainText('This browser has no Web Serial');
  await expect(page.getByRole('button', { name: 'Choose serial port…' })).toHaveCount(0);
  await expect(page.getByText('No bridge set.')).toBeVisible();
});

test('a browser without Web Serial but with WebUSB offers USB probes through WebUSB', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'serial', { get: () => undefined, configurable: true });
  });
  await page.goto('./#/read');
  await expect(page.getByRole('button', { name: 'Choose USB probe (WebUSB)…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Choose serial port…' })).toHaveCount(0);
  await expect(page.locator('.no-serial')).toHaveCount(0);
});

test('an optical probe (simulated through the app\'s serial seam) is bound to PORT1, remembered and read', async ({ page }) => {
  test.setTimeout(90_000);
  await page.addInitScript(() => {
    (window as unknown as { __meterscopeE2E: boolean }).__meterscopeE2E = true;
  });
  const config = {
    devices: [
      { name: 'Probe meter', device_alias: 'probe_iec', protocol: 'IEC 62056-21', device: 'PORT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C' },
    ],
    signals: [{ signal_name: 'Energy import', device_alias: 'probe_iec', signal_alias: 'e', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
  };
  await page.goto('./#/read');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await page.evaluate(
    (raw) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onsuccess = () => {
          const tx = open.result.transaction('configs', 'readwrite');
          tx.objectStore('configs').put({ name: 'Probe site', raw, savedAt: Date.now() });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    JSON.stringify(config, null, 2),
  );
  await page.reload();
  await page.getByLabel('Saved configuration').selectOption('Probe site');
  await page.getByRole('button', { name: 'Load into engine' }).click();
  await expect(page.locator('.load-message')).toContainText('Loaded "Probe site"');

  // A probe granted on an earlier visit, not yet bound to a port name of this configuration.
  await page.evaluate(async () => {
    const engine = (window as unknown as { __meterscopeEngine: { simulateSerial(k: string[]): Promise<unknown> } }).__meterscopeEngine;
    await engine.simulateSerial(['iec-mode-c']);
    // What the browser fires when a granted probe is plugged in; the Read page lists it at once.
    (navigator as unknown as { serial: EventTarget }).serial.dispatchEvent(new Event('connect'));
  });
  await expect(page.getByLabel('Port name in the configuration')).toHaveValue('PORT1');
  const unassigned = page.getByRole('list', { name: 'Granted ports not yet named' });
  await unassigned.getByRole('button', { name: /^Use .* as PORT1$/ }).click();
  await expect(page.locator('.port-message')).toContainText(/^PORT1 is now .*Remembered for the next visit\.$/);
  await expect(page.getByRole('list', { name: 'Remembered ports' })).toContainText(/PORT1.*plugged in/);

  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.locator('.read-message')).toContainText('Read 1 value(s)', { timeout: 60_000 });
  const row = page.locator('ms-live-table tr[data-key="probe_iec/e"]');
  await expect(row).toContainText('good');
  await expect(row.locator('td[data-label="Unit"]')).toHaveText('kWh');
  await expect(row).toContainText('Active energy import (+A), total');
});
