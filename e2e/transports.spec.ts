import { expect, test, type Page } from '@playwright/test';
import { startBridge, type RunningBridge } from '../src/bridge/server';
import { startSims } from '../src/cli/sim';

/**
 * The real transports in the built app: IP meters through the real WebSocket-to-TCP bridge (the TCP
 * simulators on loopback behind it), and an optical probe on Web Serial (simulated through the app's
 * own serial seam) pulled out in the middle of a read and plugged back in.
 */

type Sims = Awaited<ReturnType<typeof startSims>>;

/** Put a configuration and settings straight into the app's IndexedDB, as a previous visit would have. */
async function seed(page: Page, name: string, config: unknown, settings: Record<string, unknown> = {}): Promise<void> {
  await page.evaluate(
    ({ name, raw, settings }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('meterscope');
        open.onsuccess = () => {
          const tx = open.result.transaction(['configs', 'settings'], 'readwrite');
          tx.objectStore('configs').put({ name, raw, savedAt: Date.now() });
          for (const [k, v] of Object.entries(settings)) tx.objectStore('settings').put(v, k);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    { name, raw: JSON.stringify(config, null, 2), settings },
  );
}

async function loadSaved(page: Page, name: string): Promise<void> {
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await page.getByLabel('Saved configuration').selectOption(name);
  await page.getByRole('button', { name: 'Load into engine' }).click();
  await expect(page.locator('.load-message')).toContainText(`Loaded "${name}"`);
}

test.describe('IP meters through the real bridge', () => {
  let sims: Sims;
  let bridge: RunningBridge;

  test.beforeAll(async ({ baseURL }) => {
    sims = await startSims({ host: '127.0.0.1', basePort: 0, ports: { 'dlms-wrapper': 0, 'dlms-hdlc': 0, iec: 0, 'iec-mode-e': 0 } });
    const allow = sims.endpoints.map((e) => `127.0.0.1:${e.port}`);
    bridge = await startBridge({ port: 0, allow, origins: [new URL(baseURL!).origin], log: () => undefined });
  });

  test.afterAll(async () => {
    await bridge?.close();
    await sims?.close();
  });

  test('the app reads the DLMS wrapper and IEC TCP simulators through the bridge', async ({ page }) => {
    test.setTimeout(60_000);
    const port = (kind: string) => sims.endpoints.find((e) => e.kind === kind)!.port;
    const config = {
      devices: [
        { name: 'Wrapper meter', device_alias: 'ip_dlms', protocol: 'DLMS', ip: '127.0.0.1', port: port('dlms-wrapper'), mode: 'DLMS-WRAPPER', type: 'LN', auth: 'None', client_address: 16, logical_address: 1 },
        { name: 'TCP IEC meter', device_alias: 'ip_iec', protocol: 'IEC 62056-21', ip: '127.0.0.1', port: port('iec'), type: 'C' },
      ],
      signals: [
        { signal_name: 'Energy import', device_alias: 'ip_dlms', signal_alias: 'energy', obis_job: '1.0.1.8.0.255' },
        { signal_name: 'Voltage L1', device_alias: 'ip_dlms', signal_alias: 'u1', obis_job: '1.0.32.7.0.255' },
        { signal_name: 'Energy import', device_alias: 'ip_iec', signal_alias: 'energy', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
      ],
    };
    await page.goto('./#/read');
    await seed(page, 'Bridge site', config, { 'bridge.url': bridge.url, 'bridge.token': bridge.token });
    await loadSaved(page, 'Bridge site');
    await page.getByRole('button', { name: 'Read now' }).click();
    await expect(page.locator('.read-message')).toContainText('Read 3 value(s)', { timeout: 30_000 });
    const volts = page.locator('ms-live-table tr[data-key="ip_dlms/u1"]');
    await expect(volts).toContainText('good');
    await expect(volts.locator('td[data-label="Unit"]')).toHaveText('V');
    await expect(page.locator('ms-live-table tr[data-key="ip_iec/energy"]')).toContainText('good');
  });

  test('a wrong bridge token is refused and says so', async ({ page }) => {
    const port = sims.endpoints.find((e) => e.kind === 'dlms-wrapper')!.port;
    const config = {
      devices: [{ name: 'Wrapper meter', device_alias: 'ip_dlms', protocol: 'DLMS', ip: '127.0.0.1', port, mode: 'DLMS-WRAPPER', type: 'LN', auth: 'None', client_address: 16, logical_address: 1, retry_counter: 1 }],
      signals: [{ signal_name: 'Energy import', device_alias: 'ip_dlms', signal_alias: 'energy', obis_job: '1.0.1.8.0.255' }],
    };
    await page.goto('./#/read');
    await seed(page, 'Wrong token', config, { 'bridge.url': bridge.url, 'bridge.token': 'not-the-token' });
    await loadSaved(page, 'Wrong token');
    await page.getByRole('button', { name: 'Read now' }).click();
    const row = page.locator('ms-live-table tr[data-key="ip_dlms/energy"]');
    await expect(row).toContainText('PORT_LOST', { timeout: 20_000 });
  });
});

test('an optical probe pulled out in the middle of a read: link lost, then read again once it is back', async ({ page }) => {
  test.setTimeout(90_000);
  await page.addInitScript(() => {
    (window as unknown as { __meterscopeE2E: boolean }).__meterscopeE2E = true;
  });
  const config = {
    devices: [
      {
        name: 'Probe meter',
        device_alias: 'probe',
        protocol: 'IEC 62056-21',
        device: 'PORT1',
        baudrate: 300,
        databits: 7,
        parity: 'even',
        stopbits: 1,
        type: 'C',
        scan_rate_ms: 4000,
        reconnect_time: 1000,
        retry_counter: 1,
      },
    ],
    signals: [{ signal_name: 'Energy import', device_alias: 'probe', signal_alias: 'e', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
  };
  await page.goto('./#/read');
  await seed(page, 'Probe site', config);
  await loadSaved(page, 'Probe site');
  type Seam = { simulateSerial(k: string[]): Promise<unknown>; simulatePlug(i: number, on: boolean): Promise<void>; rememberPort(n: string, c: unknown): Promise<void> };
  const seam = (fn: (e: Seam) => Promise<unknown>) =>
    page.evaluate(`(${fn.toString()})(window.__meterscopeEngine)`);
  await seam((e) => e.simulateSerial(['iec-mode-c']));
  await seam((e) => e.rememberPort('PORT1', { info: { usbVendorId: 0x0403, usbProductId: 0x6001 }, index: 0 }));

  // Poll: the first read goes through the mode C baud switch (300 → 9600 by close and reopen).
  await page.getByRole('button', { name: 'Start' }).click();
  const device = page.locator('tr[data-device="probe"]');
  const row = page.locator('ms-live-table tr[data-key="probe/e"]');
  await expect(row).toContainText('good', { timeout: 30_000 });

  // Pull the probe while the next read is on its way.
  await expect(device).toContainText(/Signing on|Reading|Connecting/, { timeout: 15_000 });
  await seam((e) => e.simulatePlug(0, false));
  await expect(device).toContainText('Link lost', { timeout: 15_000 });

  // Plug it back: the runner reconnects on its own every reconnect_time and reads again.
  await seam((e) => e.simulatePlug(0, true));
  await expect(device).toContainText(/Read OK|Signing on|Reading/, { timeout: 30_000 });
  await expect(device).toContainText('Read OK', { timeout: 30_000 });
  await expect(row).toContainText('good');
  await page.getByRole('button', { name: 'Stop' }).click();
});
