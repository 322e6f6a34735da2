import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { openPage } from './helpers';

/** Trace level 7, then one read of the built-in DLMS demo meter from the Meters page, then back to the Trace. */
async function readDemoAtLevel7(page: Page): Promise<void> {
  await openPage(page, 'trace', 'Trace');
  await page.getByLabel('Trace level').selectOption('7');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Meters', exact: true }).click();
  await page.getByRole('button', { name: 'Open demo' }).click();
  await page.getByRole('button', { name: 'Read demo_dlms' }).click();
  await expect(page.locator('.read-message')).toContainText(/Read \d+ value/, { timeout: 30_000 });
  await nav.getByRole('link', { name: 'Trace', exact: true }).click();
  await expect(page.getByLabel('Trace level')).toHaveValue('7');
  await page.getByLabel('Port').selectOption('DEMO-DLMS');
}

test('at level 7 the demo read shows timestamps, direction and hex per port; copy and save take the visible lines', async ({ page, context }) => {
  test.setTimeout(60_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await readDemoAtLevel7(page);
  const lines = page.locator('ol.trace > li');
  await expect(lines.first()).toBeVisible();
  // Every line of the filtered view is from that port, with a millisecond timestamp.
  await expect(page.locator('ol.trace > li .meta').filter({ hasNotText: 'DEMO-DLMS' })).toHaveCount(0);
  await expect(page.locator('ol.trace > li .meta').first()).toHaveText(/^\d\d:\d\d:\d\d\.\d{3} \[\d\] DEMO-DLMS$/);
  await expect(page.locator('ol.trace .dir.tx').first()).toHaveText('TX →');
  await expect(page.locator('ol.trace .dir.rx').first()).toHaveText('RX ←');
  // The SNRM that opens the HDLC link, as bytes.
  await expect(page.locator('ol.trace code.hex').filter({ hasText: /^7E A0 .* 93 / }).first()).toBeVisible();

  const visible = await lines.count();
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByText(`Copied ${visible} line(s) to the clipboard.`)).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('HDLC TX SNRM');
  expect(copied).not.toContain('[3] engine ');

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^meterscope-trace-.*\.txt$/);
  const saved = await readFile(await download.path(), 'utf8');
  expect(saved.split('\n').filter((l) => / \[\d\] DEMO-DLMS /.test(l))).toHaveLength(visible);
  expect(saved).toContain('7E A0');
});

test('at level 7 every frame of a DLMS read of the demo meter is decoded into a tree', async ({ page }) => {
  test.setTimeout(60_000);
  await readDemoAtLevel7(page);

  // The association request: HDLC fields, LLC, the AARQ and its xDLMS InitiateRequest.
  const aarq = page.locator('details.decoded').filter({ hasText: 'AARQ (association request)' }).first();
  await expect(aarq).toBeVisible();
  await aarq.locator('summary').first().click();
  await expect(aarq).toContainText('LLC: E6 E6 00 (request)');
  await expect(aarq).toContainText(/HCS: 0x[0-9A-F]{4} ok/);
  await expect(aarq).toContainText('proposed conformance');

  // The GET of the energy register and the answers with their A-XDR values. Find searches the decoded
  // frames, so each is one search away (trees render when opened).
  const find = page.getByLabel('Find');
  const first = async (text: string, kind: RegExp) => {
    await find.fill(text);
    const node = page.locator('details.decoded').filter({ hasText: kind }).first();
    // Values and scalers may come in the same list answer, which an earlier search already opened.
    if (!(await node.evaluate((d) => (d as HTMLDetailsElement).open))) await node.locator('summary').first().click();
    return node;
  };
  const get = await first('1.0.1.8.0.255', /APDU get-request-(normal|with-list)/);
  await expect(get).toContainText('1.0.1.8.0.255');
  await expect(get).toContainText('class id: 3');
  const value = await first('uint32: ', /APDU get-response-(normal|with-list)/);
  await expect(value).toContainText(/: (uint32|int32|uint64|int64|uint16|int16|float32|float64): \d+/);
  const scaler = await first('structure: 2 items', /APDU get-response-(normal|with-list)/);
  await expect(scaler).toContainText('structure: 2 items');
});

test('the level filter hides detail lines and the find box filters by text', async ({ page }) => {
  await openPage(page, 'trace', 'Trace');
  await expect(page.locator('ol.trace > li').filter({ hasText: 'engine worker' })).toBeVisible();
  await page.getByLabel('Find').fill('no such text anywhere');
  await expect(page.getByText('No trace lines match the filters.')).toBeVisible();
  await page.getByLabel('Find').fill('');
  await page.getByLabel('Trace level').selectOption('1');
  await expect(page.locator('ol.trace > li').filter({ hasText: 'engine worker' })).toHaveCount(0);
});
