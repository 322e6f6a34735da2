import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { openPage } from './helpers';

/**
 * Issue 18: axe-core on every view of the app, on a phone and on a desktop, after a demo read. The
 * default AxeBuilder runs every rule axe enables by default, best practices included; none is
 * disabled. Every view's screenshot is attached to the test (kept in test-results).
 */
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

interface View {
  name: string;
  hash: string;
  heading: string;
  /** Bring the view to its richest state (lists read, a form open) before the audit. */
  prepare?: (page: Page) => Promise<void>;
}

/** Every route of src/ui/routes.ts, and the configuration editor with a device form open. */
const VIEWS: View[] = [
  { name: 'read', hash: 'read', heading: 'Read' },
  {
    name: 'objects',
    hash: 'objects?device=demo_dlms',
    heading: 'Objects',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'Read object list' }).click();
      await expect(page.locator('ul.objects > li').first()).toBeVisible({ timeout: 30_000 });
      await page.locator('ul.objects > li summary').first().click();
    },
  },
  { name: 'profiles', hash: 'profiles', heading: 'Profiles' },
  { name: 'history', hash: 'history', heading: 'History' },
  { name: 'meters', hash: 'meters', heading: 'Meters' },
  {
    name: 'config-editor',
    hash: 'meters',
    heading: 'Meters',
    prepare: async (page) => {
      const edit = page.getByRole('button', { name: 'Edit demo_dlms' });
      if ((await edit.count()) === 0) await page.getByRole('button', { name: 'Open demo', exact: true }).click();
      await edit.click();
      await expect(page.getByRole('button', { name: 'Close demo_dlms' })).toBeVisible();
    },
  },
  { name: 'trace', hash: 'trace', heading: 'Trace' },
  { name: 'settings', hash: 'settings', heading: 'Settings' },
];

/** One read of the DLMS demo meter (the quickest of the five), so every view has data to show. */
async function demoRead(page: Page): Promise<void> {
  await openPage(page, 'read', 'Read');
  await page.getByRole('button', { name: 'Use the demo meter' }).click();
  await expect(page.getByText(/Loaded the demo meter: \d+ device\(s\)/).first()).toBeVisible();
  await page.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
  await page.getByRole('button', { name: 'Read now' }).click();
  await expect(page.getByText(/Read \d+ value\(s\)/).first()).toBeVisible({ timeout: 30_000 });
}

async function attachShot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  // Saved in the test's output folder (kept as an artifact) and attached by path, not inlined in the report.
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(`${name}.png`, { path, contentType: 'image/png' });
}

for (const vp of VIEWPORTS) {
  test.describe(`at ${vp.width}x${vp.height}`, () => {
    // One page per worker, read once; each view is its own test, so one slow or failing view does not
    // hide the others.
    let page: Page;
    test.beforeAll(async ({ browser }) => {
      test.setTimeout(90_000);
      // A context of its own (AxeBuilder needs one), with the project's base URL.
      const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, baseURL: test.info().project.use.baseURL });
      page = await context.newPage();
      await demoRead(page);
    });
    test.afterAll(async () => {
      await page.context().close();
    });

    for (const view of VIEWS) {
      test(`axe finds nothing on ${view.name} after a demo read`, async ({}, info) => {
        test.setTimeout(60_000);
        await page.goto(`./#/${view.hash}`);
        await expect(page.getByRole('heading', { level: 1, name: view.heading })).toBeVisible();
        await view.prepare?.(page);
        const result = await new AxeBuilder({ page }).analyze();
        const found = result.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
        await attachShot(page, info, `${view.name}-${vp.name}`);
        await info.attach('axe-violations.json', { body: JSON.stringify(found, null, 2), contentType: 'application/json' });
        expect(found.map((f) => `${f.id} (${f.impact}) ${f.help} at ${f.targets.slice(0, 3).join(' ')}`)).toEqual([]);
      });
    }
  });
}
