import { expect, test, type Page } from '@playwright/test';
import { ISO_WITH_OFFSET, answerSavePicker, csvRows, saveVia, savedText, useDemo } from './demo-helpers';
import { openPage } from './helpers';

/**
 * Every export button with Chromium's real showSaveFilePicker (only its dialog is answered, see
 * answerSavePicker): the picker's own argument checks run, so a type it refuses fails here, as it
 * failed for users in Chrome and Edge ("Invalid type: text/csv;charset=utf-8").
 */

async function readDemoDlms(page: Page): Promise<void> {
  await useDemo(page);
  await page.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.locator('.read-message')).toContainText(/Read \d+ value\(s\)/, { timeout: 90_000 });
}

test('the real picker refuses an accept type with parameters, so the old CSV type would fail these tests', async ({ page }) => {
  test.setTimeout(60_000);
  await answerSavePicker(page);
  // What the app used to do, straight into the (wrapped) real API: a TypeError, not a saved file.
  await openPage(page, 'read', 'Read');
  const direct = await page.evaluate(async () => {
    const pick = (window as unknown as { showSaveFilePicker: (o: unknown) => Promise<unknown> }).showSaveFilePicker;
    try {
      await pick({ suggestedName: 'x.csv', types: [{ accept: { 'text/csv;charset=utf-8': ['.csv'] } }] });
      return 'saved';
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  });
  expect(direct).toMatch(/^TypeError: .*Invalid type: text\/csv;charset=utf-8/);

  // The app's own export path, with the old key put back: the user sees the failure, no file is made.
  await page.addInitScript(() => {
    type Opts = { types?: { accept: Record<string, string[]> }[] };
    const w = window as unknown as { showSaveFilePicker: (o?: Opts) => Promise<unknown> };
    const answered = w.showSaveFilePicker;
    w.showSaveFilePicker = (o?: Opts) =>
      answered({
        ...o,
        types: o?.types?.map((t) => ({ accept: Object.fromEntries(Object.entries(t.accept).map(([k, v]) => [k === 'text/csv' ? 'text/csv;charset=utf-8' : k, v])) })),
      });
  });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await page.getByRole('button', { name: /^Export CSV: Everything stored/ }).click();
  await expect(page.getByText(/^Export failed: .*Invalid type: text\/csv;charset=utf-8/)).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __pickerSaved: string[] }).__pickerSaved)).toEqual([]);
});

test('every export button saves through the real picker: names, identity, address, decimals; History; a profile; ";" and BOM', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await answerSavePicker(page);
  await readDemoDlms(page);

  // This read, CSV: people's words beside the aliases, the meter's serial number, the meter's decimals.
  const csv = await saveVia(page, /^Export CSV: This read/);
  expect(csv.name).toMatch(/^meterscope-this-read-\d{8}-\d{6}\.csv$/);
  const rows = csvRows(csv.text);
  const head = rows[0]!;
  expect(head).toEqual(['ts', 'device_alias', 'device_name', 'meter_id', 'signal_alias', 'signal_name', 'address', 'value', 'unit', 'quality', 'error', 'raw']);
  const col = (name: string) => head.indexOf(name);
  const data = rows.slice(1);
  expect(data.length).toBeGreaterThan(5);
  const serial = data.find((r) => r[col('address')]!.startsWith('0.0.96.1.0.255'))!;
  for (const r of data) {
    expect(r[col('ts')]).toMatch(ISO_WITH_OFFSET);
    expect(r[col('device_name')]).toBe('Demo three-phase meter (DLMS/COSEM)');
    expect(r[col('meter_id')]).toBe(serial[col('value')]);
    expect(r[col('signal_name')]).not.toBe('');
    expect(r[col('address')]).toMatch(/^\d+\.\d+\.\d+\.\d+\.\d+\.\d+/);
  }
  const voltage = data.find((r) => r[col('signal_alias')] === '1_0_32_7_0')!;
  expect(voltage[col('signal_name')]).toBe('Voltage L1');
  expect(voltage[col('unit')]).toBe('V');

  const json = JSON.parse((await saveVia(page, /^Export JSON: This read/)).text) as Record<string, unknown>[];
  expect(json).toHaveLength(data.length);
  expect(json.find((r) => r.signal_alias === '1_0_32_7_0')).toMatchObject({ device_name: 'Demo three-phase meter (DLMS/COSEM)', signal_name: 'Voltage L1', unit: 'V' });

  const allCsv = await saveVia(page, /^Export CSV: Everything stored/);
  expect(csvRows(allCsv.text).length - 1).toBeGreaterThanOrEqual(data.length);
  const allJson = JSON.parse((await saveVia(page, /^Export JSON: Everything stored/)).text) as unknown[];
  expect(allJson.length).toBeGreaterThanOrEqual(data.length);

  // History: the selection, with the same columns; the table shows names and the meter's identity.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await page.getByLabel('Device alias (empty for all)').fill('demo_dlms');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByRole('table')).toContainText('Voltage L1');
  await expect(page.locator('.meter-id').first()).toHaveText(`Meter ${serial[col('value')]}`);
  const hist = csvRows((await saveVia(page, /^Export CSV: This selection/)).text);
  expect(hist[0]).toEqual(head);
  expect(hist.slice(1).every((r) => r[col('device_alias')] === 'demo_dlms')).toBe(true);
  const histJson = JSON.parse((await saveVia(page, /^Export JSON: This selection/)).text) as { device_alias: string }[];
  expect(histJson.length).toBe(hist.length - 1);

  // A profile: every column's address is the OBIS of the object it captured, not the profile's.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Profiles' })).toBeVisible();
  await page.getByLabel('Device').selectOption('demo_dlms');
  await page.getByLabel('Profile', { exact: true }).selectOption('1.0.99.1.0.255');
  await page.getByRole('button', { name: 'Last 24 hours' }).click();
  await page.getByRole('button', { name: 'Read profile' }).click();
  await expect(page.locator('.profile-message')).toContainText(/row\(s\) in [\d.]+ s, stored/, { timeout: 90_000 });
  const pcsv = await saveVia(page, /^Export CSV: /);
  expect(pcsv.name.length).toBeLessThanOrEqual(72);
  expect(csvRows(pcsv.text)[0]![0]).toBe('Time');
  const pjson = JSON.parse((await saveVia(page, /^Export JSON: /)).text) as { columns: { name: string; address?: string; isTime?: boolean }[] };
  const addresses = pjson.columns.filter((c) => !c.isTime).map((c) => c.address);
  expect(addresses).toContain('1.0.1.8.0.255');
  expect(addresses).not.toContain('1.0.99.1.0.255');

  // Settings: ";" with decimal commas and a BOM, for a spreadsheet in a comma decimal locale.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await page.getByLabel('Start CSV files with a UTF-8 byte order mark (BOM)').check();
  await expect(page.locator('.csv-message')).toContainText('Saved');
  await page.getByLabel('Separator').selectOption(';');
  await expect(page.locator('.csv-message')).toContainText('decimal comma');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Read', exact: true }).click();
  const semi = await saveVia(page, /^Export CSV: This read/);
  expect(semi.text.startsWith('\uFEFFts;device_alias;device_name;meter_id;')).toBe(true);
  const semiVoltage = semi.text.split('\r\n').find((l) => l.includes(';1_0_32_7_0;'))!;
  expect(semiVoltage.split(';')[7]).toMatch(/^\d+(,\d+)?$/);
  expect(errors).toEqual([]);
});

/** Longest main-thread task (Long Tasks API: only tasks over 50 ms are reported) while `work` runs. */
async function longestTask(page: Page, work: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number };
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await work();
  return page.evaluate(() => (window as unknown as { __longest: number }).__longest);
}

test('figures: longest main-thread task during a demo read and during an export of 100,000 stored readings', async ({ page }, info) => {
  test.setTimeout(300_000);
  await answerSavePicker(page);
  await useDemo(page);
  const readTask = await longestTask(page, async () => {
    await page.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
    await page.getByRole('button', { name: 'Read now' }).click();
    await expect(page.locator('.read-message')).toContainText(/Read \d+ value\(s\)/, { timeout: 90_000 });
  });
  // 100,000 readings written as the engine writes them (one add per reading), in pages of 10,000.
  const t0 = Date.UTC(2026, 0, 1);
  for (let page0 = 0; page0 < 100_000; page0 += 10_000) {
    await page.evaluate(
      ([base, from]) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('meterscope');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('readings', 'readwrite');
            const s = tx.objectStore('readings');
            for (let i = from; i < from + 10_000; i++) {
              s.add({ ts: base + i * 1000, device_alias: 'bulk', signal_alias: `s${i % 20}`, value: i / 100, decimals: 2, unit: 'kWh', quality: 'good', address: '1.0.1.8.0.255' });
            }
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      [t0, page0] as const,
    );
  }
  const started = Date.now();
  // Measured until the app says "Saved": reading the file back for the check below is the test's work.
  const exportTask = await longestTask(page, async () => {
    await page.getByRole('button', { name: /^Export CSV: Everything stored/ }).click();
    await expect(page.getByText(/^Saved meterscope-all-readings-.*\.csv\.$/)).toBeVisible({ timeout: 240_000 });
  });
  const exportMs = Date.now() - started;
  const name = await page.evaluate(() => (window as unknown as { __pickerSaved: string[] }).__pickerSaved.at(-1)!);
  const lines = (await savedText(page, name)).split('\r\n').length - 2;
  expect(lines).toBeGreaterThanOrEqual(100_000);
  const figures = `demo read (demo_dlms): longest main-thread task ${Math.round(readTask)} ms; export of ${lines} stored readings to CSV: ${exportMs} ms, longest main-thread task ${Math.round(exportTask)} ms (0 = none over 50 ms)`;
  info.annotations.push({ type: 'figures', description: figures });
  console.log(figures);
});
