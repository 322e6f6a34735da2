import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './helpers';

const BUDGET_GZIP_BYTES = 80 * 1024;
/** The build the preview serves (E2E_DIST when it is not dist/, e.g. a build of one's own on another port). */
const DIST = process.env.E2E_DIST ?? join(ROOT, 'dist');

test('the first screen stays within 80 KB of gzipped JavaScript on the main thread', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  const scripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith('.js')),
  );
  // The worker's script and the chunks split off it (named worker-*) are not main-thread code.
  const mainThread = scripts.filter((p) => !p.includes('engine.worker') && !p.includes('/worker-'));
  expect(mainThread.length).toBeGreaterThan(0);
  let total = 0;
  for (const p of mainThread) {
    const file = join(DIST, p.replace(/^\//, ''));
    total += gzipSync(readFileSync(file)).length;
  }
  expect(total).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  // The engine runs in its own chunk, loaded as a worker, never inlined in the page bundle.
  const entry = await page.evaluate(() => document.querySelector<HTMLScriptElement>('script[type="module"]')?.src ?? '');
  const entryText = readFileSync(join(DIST, new URL(entry).pathname), 'utf8');
  expect(entryText).toMatch(/engine\.worker-[\w-]+\.js/);
  expect(entryText).not.toContain('protocol engine not yet wired');
  expect(entryText).not.toContain('is not a known field');
});
