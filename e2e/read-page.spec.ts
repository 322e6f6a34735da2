import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { useDemo } from './demo-helpers';
import { openPage } from './helpers';

/** Screenshots kept as test artifacts (attached to the report and written under test-results/). */
async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

async function storedCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('readings').objectStore('readings').count();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

async function saveConfig(page: Page, name: string, doc: unknown): Promise<void> {
  await page.evaluate(
    ([n, raw]) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onsuccess = () => {
          const tx = open.result.transaction('configs', 'readwrite');
          tx.objectStore('configs').put({ name: n, raw, savedAt: Date.now() });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    [name, JSON.stringify(doc, null, 2)] as const,
  );
}

test('the app opens on Read with connecting a probe first and the demo beside it; 1280 and 360 px screenshots', async ({ page }, info) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  const connect = page.getByRole('region', { name: 'Connect a meter' });
  const pick = connect.getByRole('button', { name: 'Choose serial port…' });
  const demo = connect.getByRole('button', { name: 'Use the demo meter' });
  await expect(pick).toBeVisible();
  await expect(pick).toHaveClass(/primary/);
  await expect(demo).toBeVisible();
  // Side by side, in the first card, above everything else on the page.
  const [p, d] = [await pick.boundingBox(), await demo.boundingBox()];
  expect(Math.abs(p!.y - d!.y)).toBeLessThan(4);
  expect(p!.y).toBeLessThan(400);

  await useDemo(page);
  await page.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.locator('.read-message')).toContainText(/Read \d+ value\(s\)/, { timeout: 90_000 });
  // The values table never wraps a number.
  const value = page.locator('ms-live-table td[data-label="Value"]').first();
  expect(await value.evaluate((td) => getComputedStyle(td).whiteSpace)).toBe('nowrap');
  await shot(page, info, 'read-1280');
  await openPage(page, 'history', 'History');
  await expect(page.getByRole('table')).toBeVisible();
  await shot(page, info, 'history-1280');

  await page.setViewportSize({ width: 360, height: 740 });
  for (const [id, heading] of [
    ['read', 'Read'],
    ['history', 'History'],
  ] as const) {
    await openPage(page, id, heading);
    // The header is not cut off: nothing in it is wider than the screen or clipped.
    const header = await page.locator('ms-app').evaluate((app) => {
      const h = app.shadowRoot!.querySelector('header')!;
      const parts = [...h.querySelectorAll('.brand, .engine')].map((e) => {
        const r = e.getBoundingClientRect();
        return { right: r.right, left: r.left, clipped: e.scrollWidth > e.clientWidth + 1 };
      });
      return { scroll: h.scrollWidth, width: h.clientWidth, parts, docScroll: document.documentElement.scrollWidth };
    });
    expect(header.scroll).toBeLessThanOrEqual(header.width);
    for (const part of header.parts) {
      expect(part.left).toBeGreaterThanOrEqual(0);
      expect(part.right).toBeLessThanOrEqual(360);
      expect(part.clipped).toBe(false);
    }
    expect(header.docScroll).toBeLessThanOrEqual(360);
    await shot(page, info, `${id}-360`);
  }
});

test('two clicks on Read in the same turn read and store the demo once (27, not twice that); the summary outlives navigation', async ({ page }) => {
  test.setTimeout(180_000);
  await useDemo(page);
  const before = await storedCount(page);
  // Both clicks land before the page can re-render the button disabled: only the engine can refuse.
  await page.getByRole('button', { name: 'Read now' }).evaluate((b: HTMLButtonElement) => {
    b.click();
    b.click();
  });
  await expect(page.locator('.read-message')).toContainText('Read 27 value(s)', { timeout: 150_000 });
  await expect.poll(() => storedCount(page)).toBe(before + 27);
  await page.waitForTimeout(1000);
  expect(await storedCount(page)).toBe(before + 27);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Read', exact: true }).click();
  await expect(page.locator('.read-message')).toContainText('Read 27 value(s)');
});

test('a reload keeps the loaded configuration, and a read cut off by it is reported as interrupted in History', async ({ page }) => {
  test.setTimeout(150_000);
  await useDemo(page);
  await page.reload();
  await expect(page.locator('.load-message')).toHaveText('Loaded "Demo meter" again, as on your last visit.');
  await expect(page.getByRole('banner')).toContainText('Engine: loaded');
  await expect(page.getByLabel('Saved configuration')).toHaveValue('Demo meter');

  // The IEC demo meter signs on at 300 baud: reload while it is still talking.
  await page.getByLabel('Device', { exact: true }).selectOption('demo_iec');
  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.locator('tr[data-device="demo_iec"]')).toContainText(/Connecting|Signing on|Reading/);
  await page.reload();
  await expect(page.getByRole('banner')).toContainText('Engine: loaded');
  await openPage(page, 'history', 'History');
  const interrupted = page.getByRole('region', { name: 'Interrupted reads' });
  await expect(interrupted).toContainText('demo_iec');
  await expect(interrupted).toContainText(/A read started at .* was interrupted when the page was reloaded or closed/);
});

test('6 data bits on a serial device are refused in the browser, at the field', async ({ page }) => {
  test.setTimeout(60_000);
  await openPage(page, 'read', 'Read');
  await saveConfig(page, 'Six bits', {
    devices: [{ name: 'Old meter', device_alias: 'old', protocol: 'IEC 62056-21', device: 'PORT1', databits: 6 }],
    signals: [{ signal_name: 'Energy', device_alias: 'old', signal_alias: 'e', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
  });
  await page.reload();
  await page.getByLabel('Saved configuration').selectOption('Six bits');
  await page.getByRole('button', { name: 'Load into engine' }).click();
  await expect(page.locator('.load-message')).toContainText('Refused: "Six bits" has 1 error(s)');
});

test('trace Find searches the decoded frames: an APDU name, an OBIS code as written on a data sheet', async ({ page }) => {
  test.setTimeout(120_000);
  await openPage(page, 'trace', 'Trace');
  await page.getByLabel('Trace level').selectOption('5');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Read', exact: true }).click();
  await page.getByRole('button', { name: 'Use the demo meter' }).click();
  await expect(page.locator('.load-message')).toContainText('Loaded the demo meter');
  await page.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.locator('.read-message')).toContainText(/Read \d+ value\(s\)/, { timeout: 90_000 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Trace', exact: true }).click();
  const lines = page.locator('ol.trace > li');
  await page.getByLabel('Find').fill('1-0:32.7.0*255');
  await expect(lines.first()).toBeVisible();
  // Neither the message nor the hex says it: only the decoded tree does.
  for (const text of await lines.locator('.msg, .message').allTextContents()) expect(text).not.toContain('1-0:32.7.0*255');
  await page.getByLabel('Find').fill('AARQ');
  await expect(lines.first()).toBeVisible();
  await page.getByLabel('Find').fill('no such frame anywhere');
  await expect(lines).toHaveCount(0);
});
