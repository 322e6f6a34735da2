import { expect, test } from '@playwright/test';
import { openPage } from './helpers';

test('probe options are saved and become the defaults of new serial devices in the editor', async ({ page }) => {
  await openPage(page, 'settings', 'Settings');
  const dtr = page.getByLabel('Raise DTR when the port opens');
  await expect(dtr).toBeChecked();
  await dtr.uncheck();
  await page.getByLabel('Echo of the probe').selectOption('1');
  await page.getByRole('button', { name: 'Save probe options' }).click();
  await expect(page.getByText('Probe options saved.')).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('Raise DTR when the port opens')).not.toBeChecked();
  await expect(page.getByLabel('Raise RTS when the port opens')).toBeChecked();
  await expect(page.getByLabel('Echo of the probe')).toHaveValue('1');

  await openPage(page, 'meters', 'Meters');
  await page.getByRole('button', { name: 'Add device' }).click();
  const dev = page.locator('li.device[data-device="meter_1"]');
  await expect(dev.getByLabel('dtr', { exact: true }).locator('option:checked')).toHaveText('0');
  await expect(dev.getByLabel('echo', { exact: true }).locator('option:checked')).toHaveText('1');
  await expect(dev.getByLabel('rts', { exact: true }).locator('option:checked')).toHaveText('Default (1)');
});

test('settings show storage use, persistence and the stored reading count; the bridge token stays masked', async ({ page }) => {
  await openPage(page, 'settings', 'Settings');
  await expect(page.locator('.usage')).toHaveText(/\d+(\.\d)? (B|KB|MB|GB)/);
  await expect(page.locator('.persisted')).toHaveText(/^(yes|no):/);
  await expect(page.locator('.reading-count')).toContainText('0');
  await expect(page.getByLabel('Bridge token')).toHaveAttribute('type', 'password');
  await page.getByLabel('Light').check();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
});
