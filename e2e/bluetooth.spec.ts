import { expect, test } from '@playwright/test';

/**
 * Bluetooth probes through Web Serial: "Choose serial port…" asks the real navigator.serial.requestPort
 * with the Serial Port Profile allowed, and the custom service UUID from Settings once one is saved. A
 * headless browser cannot answer the real chooser, so a page-level wrapper records the options and still
 * calls the real API (whatever it answers, a closed chooser or a wait, is the browser's own).
 */

const SPP = '00001101-0000-1000-8000-00805f9b34fb';
const CUSTOM = '6e400001-b5a3-f393-e0a9-e50e24dcca9e';

test('the port request offers SPP, and the validated custom Bluetooth service from Settings', async ({ page }) => {
  test.setTimeout(60_000);
  await page.addInitScript(() => {
    const serial = (navigator as unknown as { serial?: { requestPort: (o?: unknown) => Promise<unknown> } }).serial;
    const w = window as unknown as { __requests: unknown[] };
    w.__requests = [];
    if (!serial) return;
    const real = serial.requestPort.bind(serial);
    serial.requestPort = (o?: unknown) => {
      w.__requests.push(JSON.parse(JSON.stringify(o ?? null)));
      return real(o as never);
    };
  });
  const requests = () => page.evaluate(() => (window as unknown as { __requests: unknown[] }).__requests);

  await page.goto('./#/read');
  await page.getByRole('button', { name: 'Choose serial port…' }).click();
  await expect.poll(requests).toHaveLength(1);
  expect((await requests())[0]).toEqual({ allowedBluetoothServiceClassIds: [SPP] });

  // Settings: a wrong UUID is refused at the field; a custom one is saved in its full lower-case form.
  await page.goto('./#/settings');
  const field = page.getByLabel('Custom Bluetooth service UUID (optional)');
  await field.fill('not-a-uuid');
  await expect(page.locator('#bt-service-help')).toContainText('Not a service UUID');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Save probe settings' }).click();
  await expect(page.locator('.probe-settings-message')).toContainText('Not saved');
  await field.fill(CUSTOM.toUpperCase());
  await expect(field).toHaveAttribute('aria-invalid', 'false');
  await page.getByRole('button', { name: 'Save probe settings' }).click();
  await expect(page.locator('.probe-settings-message')).toHaveText('Saved.');
  await expect(field).toHaveValue(CUSTOM);

  // Back on Read, the next request offers the custom service too.
  await page.goto('./#/read');
  await page.getByRole('button', { name: 'Choose serial port…' }).click();
  await expect.poll(requests).toHaveLength(2);
  expect((await requests())[1]).toEqual({ allowedBluetoothServiceClassIds: [SPP, CUSTOM] });
});
