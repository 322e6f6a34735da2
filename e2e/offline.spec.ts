import { expect, test } from '@playwright/test';

test('the service worker takes control and the app reloads offline', async ({ page, context }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  // The first visit installs the worker; in "prompt" mode it controls pages from the next load.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('banner')).toContainText('MeterScope');
    await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
    // A lazily loaded page and the engine worker chunk must come from the precache too.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await page.getByRole('button', { name: 'Check engine' }).click();
    await expect(page.locator('.engine-answer')).toContainText('Engine answered');
  } finally {
    await context.setOffline(false);
  }
});

test('the web app manifest declares the installable app', async ({ request }) => {
  const res = await request.get('./manifest.webmanifest');
  expect(res.ok()).toBe(true);
  const m = (await res.json()) as {
    name: string;
    short_name: string;
    start_url: string;
    scope: string;
    display: string;
    icons: { src: string; sizes: string; purpose?: string }[];
  };
  expect(m.name).toBe('MeterScope');
  expect(m.short_name).toBe('MeterScope');
  expect(m.start_url).toBe('./');
  expect(m.scope).toBe('./');
  expect(m.display).toBe('standalone');
  expect(m.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  for (const icon of m.icons) {
    const img = await request.get(`./${icon.src}`);
    expect(img.ok()).toBe(true);
    const bytes = await img.body();
    // PNG signature, then the IHDR width (big-endian) must match the declared size.
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`).toBe(icon.sizes);
  }
});
