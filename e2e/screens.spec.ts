import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_VALID, PAGES, ROOT, importFile, openPage } from './helpers';

const SHOTS = join(ROOT, 'test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

/**
 * Real content on every page: read the built-in DLMS demo meter once (readings in History, frames in
 * the Trace, a loaded configuration on Read), then save the example configuration (the saved list).
 */
async function seed(page: Page): Promise<void> {
  await openPage(page, 'meters', 'Meters');
  await page.getByRole('button', { name: 'Open demo' }).click();
  await page.getByRole('button', { name: 'Read demo_dlms' }).click();
  await expect(page.locator('.read-message')).toContainText(/Read \d+ value/, { timeout: 20_000 });
  await importFile(page, EXAMPLE_VALID);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved "wcc-lite".')).toBeVisible();
}

for (const width of [1280, 360]) {
  test(`every page fits and has content at ${width} px`, async ({ page }) => {
    test.setTimeout(60_000);
    await page.setViewportSize({ width, height: width > 800 ? 800 : 740 });
    await seed(page);
    for (const p of PAGES) {
      // Navigate in-app (a reload would restart the worker and drop the loaded configuration).
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: p.heading, exact: true }).click();
      const h1 = page.getByRole('heading', { level: 1, name: p.heading });
      await expect(h1).toBeVisible();
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: join(SHOTS, `${p.id}-${width}.png`), fullPage: true });

      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect(scrollWidth, `${p.id} overflows horizontally at ${width} px`).toBeLessThanOrEqual(innerWidth);
      // The accessibility snapshot reaches into the pages' shadow roots and skips hidden nodes.
      const snapshot = await page.getByRole('main').ariaSnapshot();
      expect(snapshot, `${p.id} shows its heading`).toContain(`heading "${p.heading}" [level=1]`);
      expect(snapshot.length, `${p.id} has hardly any content`).toBeGreaterThan(200);
      // The navigation stays usable: every item is on screen and at least 44 px tall.
      const boxes = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').evaluateAll((links) =>
        links.map((l) => l.getBoundingClientRect().toJSON() as DOMRect),
      );
      for (const b of boxes) {
        expect(b.height).toBeGreaterThanOrEqual(44);
        expect(b.left).toBeGreaterThanOrEqual(0);
        expect(b.right).toBeLessThanOrEqual(innerWidth + 0.5);
      }
    }
  });
}

test('dark theme at 360 px', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 360, height: 740 });
  await openPage(page, 'meters', 'Meters');
  await importFile(page, join(ROOT, 'examples', 'invalid.json'));
  await expect(page.getByRole('alert')).toBeVisible();
  await page.screenshot({ path: join(SHOTS, 'meters-360-dark.png'), fullPage: true });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(16, 22, 29)');
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});
