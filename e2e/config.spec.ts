import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { parseConfigText } from '../src/config';
import { EXAMPLE_INVALID, EXAMPLE_VALID, importFile, openPage, readExample } from './helpers';

test('importing an invalid configuration lists every error with its JSON path', async ({ page }) => {
  const text = readExample(EXAMPLE_INVALID);
  const expected = parseConfigText(text);
  if (expected.ok) throw new Error('examples/invalid.json is expected to be invalid');
  // Guard against a validator that reports next to nothing: the example has many distinct faults.
  expect(expected.errors.length).toBeGreaterThanOrEqual(8);

  await openPage(page, 'meters', 'Meters');
  await importFile(page, EXAMPLE_INVALID);

  const alert = page.getByRole('alert');
  await expect(alert).toContainText(`${expected.errors.length} errors`);
  const items = alert.getByRole('listitem');
  await expect(items).toHaveCount(expected.errors.length);
  const shown = await items.allInnerTexts();
  expected.errors.forEach((err, i) => {
    expect(shown[i]).toContain(err.path || '(document)');
    expect(shown[i]).toContain(err.message);
  });
  // A few faults we know are in the file, independently of the validator's own list.
  for (const path of ['devices[0].baudrat', 'devices[1].baudrate', 'devices[1].parity', 'signals[2].device_alias']) {
    await expect(alert.locator('code.path', { hasText: path }).first()).toBeVisible();
  }

  // Saving is refused and nothing lands in the list.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(alert).toContainText('the configuration was not saved');
  await expect(page.getByText('None saved yet.')).toBeVisible();
});

test('pasted JSON with a syntax error is reported, not saved', async ({ page }) => {
  await openPage(page, 'meters', 'Meters');
  await page.getByLabel('Or paste the JSON here').fill('{ "devices": [ }');
  await page.getByLabel('Save as').fill('broken');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('is not valid JSON');
  await expect(page.getByText('None saved yet.')).toBeVisible();
});

test('a valid configuration is saved and its export gives back the same JSON', async ({ page }) => {
  const original = readExample(EXAMPLE_VALID);
  await openPage(page, 'meters', 'Meters');
  await importFile(page, EXAMPLE_VALID);
  await expect(page.locator('p.ok')).toContainText('Valid:');
  await expect(page.getByLabel('Save as')).toHaveValue('wcc-lite');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved "wcc-lite".')).toBeVisible();

  const row = page.locator('li[data-config="wcc-lite"]');
  await expect(row).toBeVisible();

  // By default an export carries no password or key.
  const secret = (JSON.parse(original) as { devices: { password?: string }[] }).devices.find((d) => d.password)!.password!;
  const safePromise = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Export wcc-lite' }).click();
  const safe = JSON.parse(await readFile(await (await safePromise).path(), 'utf8')) as { devices: Record<string, unknown>[] };
  expect(safe.devices.every((d) => !('password' in d))).toBe(true);
  expect(JSON.stringify(safe)).not.toContain(`"${secret}"`);

  // With the user's explicit choice, the document comes back exactly.
  await page.getByLabel('Include passwords and keys in exported files').check();
  const downloadPromise = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Export wcc-lite' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('wcc-lite.json');
  const exported = await readFile(await download.path(), 'utf8');
  expect(JSON.parse(exported)).toEqual(JSON.parse(original));

  // Delete asks first; accepting removes it from the list and from the database.
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Delete wcc-lite' }).click();
  await expect(page.getByText('Deleted "wcc-lite".')).toBeVisible();
  await expect(row).toHaveCount(0);
  await page.reload();
  await expect(page.getByText('None saved yet.')).toBeVisible();
});

test('the store keeps a pasted configuration in IndexedDB across reloads', async ({ page }) => {
  const original = readExample(EXAMPLE_VALID);
  await openPage(page, 'meters', 'Meters');
  await page.getByLabel('Or paste the JSON here').fill(original);
  await page.getByLabel('Save as').fill('pasted site');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved "pasted site".')).toBeVisible();

  await page.reload();
  await expect(page.locator('li[data-config="pasted site"]')).toContainText(/\d+ devices, \d+ signals/);

  // Read it back with the raw IndexedDB API: proves it is really in the browser's database.
  const stored = await page.evaluate(
    () =>
      new Promise<{ name: string; raw: string } | undefined>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('configs').objectStore('configs').get('pasted site');
          get.onsuccess = () => {
            resolve(get.result as { name: string; raw: string } | undefined);
            db.close();
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );
  expect(stored?.name).toBe('pasted site');
  expect(stored?.raw).toBe(original);

  // And it can be loaded into the engine, which reports each enabled device honestly: this browser has
  // no probe bound to the configuration's port names, so polling says the link is lost and why.
  await openPage(page, 'read', 'Read');
  await page.getByLabel('Saved configuration').selectOption('pasted site');
  await page.getByRole('button', { name: 'Load into engine' }).click();
  await expect(page.locator('.load-message')).toContainText(/Loaded "pasted site"/);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.locator('table.devices')).toContainText('Link lost', { timeout: 15_000 });
  await expect(page.locator('table.devices')).toContainText(/No serial port is chosen|network meter|bridge/);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('.read-message')).toContainText('Stopped.');
});
