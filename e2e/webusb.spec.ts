import { expect, test, type Page } from '@playwright/test';

/**
 * USB probes over WebUSB, as on Android Chrome where Web Serial has no USB ports: the worker's WebUSB
 * devices are fake adapters, one per chip (src/transports/webusb/fakes: they check every control transfer
 * the driver sends and frame bulk-in as the chip does), with the simulators behind their UARTs at real
 * line speed. Only the devices are fake: the drivers, the link, the sessions and the app are the real
 * ones, and the browser's own navigator.serial is left as it is. Per chip the app reads an IEC mode C
 * meter (300 baud sign-on, then 9600) and a DLMS mode E meter (300 7E1 sign-on, HDLC at 9600 8N1).
 */


const CONFIG = {
  devices: [
    { name: 'Mode C meter', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'PORT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', retry_counter: 1 },
    { name: 'Mode E meter', device_alias: 'modee', protocol: 'DLMS', device: 'PORT2', baudrate: 9600, mode: 'IEC', type: 'LN', auth: 'None', client_address: 16, physical_address: 1, logical_address: 0, address_size: 1, retry_counter: 1 },
  ],
  signals: [
    { signal_name: 'Energy import', device_alias: 'iec', signal_alias: 'e', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
    { signal_name: 'Energy import', device_alias: 'modee', signal_alias: 'e', obis_job: '1.0.1.8.0.255' },
  ],
};

async function seedAndLoad(page: Page, name: string): Promise<void> {
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
    { name, raw: JSON.stringify(CONFIG, null, 2) },
  );
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await page.getByLabel('Saved configuration').selectOption(name);
  await page.getByRole('button', { name: 'Load into engine' }).click();
  await expect(page.locator('.load-message')).toContainText(`Loaded "${name}"`);
}

test('WebUSB is there for the engine worker in this Chromium (the worker owns USB probes)', async ({ page }) => {
  await page.goto('./#/read');
  const inWorker = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const src = `postMessage(typeof navigator.usb === 'object' && navigator.usb !== null && typeof navigator.usb.getDevices === 'function' ? 'usb' : 'none')`;
        const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
        w.onmessage = (e) => resolve(String(e.data));
      }),
  );
  expect(inWorker).toBe('usb');
});

for (const chip of ['ftdi', 'cp210x', 'ch34x', 'pl2303', 'cdc-acm'] as const) {
  test(`${chip}: the app reads IEC mode C and DLMS mode E through the WebUSB driver`, async ({ page }) => {
    test.setTimeout(45_000);
    await page.addInitScript(() => {
      (window as unknown as { __meterscopeE2E: boolean }).__meterscopeE2E = true;
    });
    await page.goto('./#/read');
    await seedAndLoad(page, `USB ${chip}`);
    const ids = (await page.evaluate(
      `window.__meterscopeEngine.simulateUsb([{ chip: '${chip}', meter: 'iec-mode-c' }, { chip: '${chip}', meter: 'dlms-mode-e' }])`,
    )) as { vendorId: number; productId: number }[];
    for (const [i, id] of ids.entries()) {
      await page.evaluate(
        `window.__meterscopeEngine.rememberPort('PORT${i + 1}', { info: { usbVendorId: ${id.vendorId}, usbProductId: ${id.productId} }, index: ${i} })`,
      );
    }
    await page.getByRole('button', { name: 'Read now' }).click();
    await expect(page.locator('.read-message')).toContainText('Read 2 value(s)', { timeout: 30_000 });
    await expect(page.locator('ms-live-table tr[data-key="iec/e"]')).toContainText('good');
    await expect(page.locator('ms-live-table tr[data-key="modee/e"]')).toContainText('good');
    if (chip === 'ftdi') {
      // Settings says which path each probe takes.
      await page.goto('./#/settings');
      const probe = page.locator('ms-probe-settings li[data-probe="PORT1"]');
      await expect(probe).toContainText('USB via WebUSB (FTDI driver)');
    }
  });
}
