import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { preview } from 'vite';
import { largeSite, randomBytes } from '../e2e/large-site';
import { answerSavePicker } from '../e2e/save-picker';
import type { BenchRow } from './types';

/**
 * Issue 12.2: a large site in the app, in Debian's Chromium. Each configuration file is chosen through
 * the real file input (by path, so nothing but the app runs in the page), and the page's long tasks
 * are taken from a PerformanceObserver('longtask') installed before the app loads. Figures: the time
 * from choosing the file to the editable list on screen, the longest task of the page's thread while
 * it happened (goal: under 100 ms), the same for editing one signal to its inline error, for a read
 * of the DLMS demo meter, and for an export of 100,000 stored readings.
 * Builds the app into a temporary folder when there is no dist/.
 */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function longest(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    const max = w.__longTasks.reduce((m, d) => Math.max(m, d), 0);
    w.__longTasks = [];
    return max;
  });
}

export async function run(): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'meterscope-import-bench-'));
  let outDir = 'dist';
  if (!existsSync('dist/index.html')) {
    outDir = join(work, 'dist');
    execFileSync('npx', ['vite', 'build', '--outDir', outDir], { stdio: 'ignore' });
  }
  const server = await preview({ logLevel: 'silent', build: { outDir }, preview: { port: 0, strictPort: false, host: '127.0.0.1' } });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  const rows: BenchRow[] = [];
  try {
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview gave no address');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${url}#/meters`);
    await page.getByRole('heading', { level: 1, name: 'Meters' }).waitFor();
    const summary = page.locator('ms-config-editor p.summary');

    const cases: { name: string; file: string; content: string | Uint8Array; done: () => Promise<void>; note: string }[] = [];
    for (const n of [6_000, 30_000]) {
      const site = largeSite(n);
      cases.push({
        name: `import ${n.toLocaleString('en-US')} signals (${(site.text.length / 1e6).toFixed(1)} MB) to the editable list`,
        file: `site-${n}.json`,
        content: site.text,
        done: () => summary.filter({ hasText: `Valid: ${site.devices} device(s), ${site.signals} signal(s)` }).waitFor({ timeout: 300_000 }),
        note: `${site.devices} DLMS meters; before: ${n === 6_000 ? '16 s' : 'about 150 s'} blocked`,
      });
    }
    cases.push({
      name: 'import 5 MB of random bytes',
      file: 'noise.json',
      content: randomBytes(5_000_000),
      done: () => page.getByRole('alert').filter({ hasText: 'is not valid JSON' }).waitFor({ timeout: 300_000 }),
      note: 'reported as one error at its line and column; before: 9 s blocked',
    });
    for (const c of cases) {
      const path = join(work, c.file);
      writeFileSync(path, c.content);
      await longest(page);
      const t0 = performance.now();
      await page.getByLabel('Configuration file (JSON)').setInputFiles(path);
      await c.done();
      const total = performance.now() - t0;
      const task = await longest(page);
      rows.push({ name: c.name, value: total, unit: 'ms', note: c.note });
      rows.push({ name: `  longest main-thread task`, value: task, unit: 'ms', note: 'goal < 100 ms (longtask observer)' });
    }

    // The 30,000-signal site again, then one signal edited until its inline error shows.
    await page.getByLabel('Configuration file (JSON)').setInputFiles(join(work, 'site-30000.json'));
    await summary.filter({ hasText: 'Valid: 300 device(s), 30000 signal(s)' }).waitFor({ timeout: 300_000 });
    const dev = page.locator('li.device[data-device="meter_1"]');
    await dev.getByRole('button', { name: 'Edit meter_1' }).click();
    const sig = dev.locator('li[data-signal="s_1_2"]');
    await sig.locator('summary').click();
    const obis = sig.getByLabel('obis_job', { exact: true });
    await obis.waitFor();
    await longest(page);
    const t0 = performance.now();
    await obis.fill('1.0.2.8');
    await sig.locator('[data-field="obis_job"] .field-error').waitFor({ timeout: 300_000 });
    const editMs = performance.now() - t0;
    rows.push({ name: 'edit one of 30,000 signals to its inline error', value: editMs, unit: 'ms', note: 'the whole site validated again in the worker' });
    rows.push({ name: '  longest main-thread task', value: await longest(page), unit: 'ms', note: 'goal < 100 ms (longtask observer)' });

    // Reference on the same machine at the same moment: an ordinary click that renders a page of 20
    // devices. On a shared, loaded machine this alone can exceed 100 ms; read the figures above against it.
    await page.getByRole('button', { name: 'Next page of devices' }).click();
    await page.locator('li.device').first().and(page.locator('[data-device="meter_21"]')).waitFor();
    await page.waitForTimeout(500);
    rows.push({ name: 'reference: next page of 20 devices, longest task', value: await longest(page), unit: 'ms', note: 'the machine\'s own noise for one page render' });

    // A demo read of the DLMS demo meter on a fresh page: the page's longest task while the worker reads
    // and every reading arrives, is committed and shown (issue 12's bench figure).
    const demo = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await answerSavePicker(demo);
    await demo.addInitScript(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await demo.goto(`${url}#/read`);
    await demo.getByRole('button', { name: 'Use the demo meter' }).click();
    await demo.locator('.load-message').filter({ hasText: 'Loaded the demo meter' }).waitFor();
    await demo.getByLabel('Device', { exact: true }).selectOption('demo_dlms');
    await demo.waitForTimeout(500);
    await longest(demo);
    const r0 = performance.now();
    await demo.getByRole('button', { name: 'Read now' }).click();
    await demo.locator('.read-message').filter({ hasText: /Read \d+ value/ }).waitFor({ timeout: 120_000 });
    rows.push({ name: 'demo read of demo_dlms (16 signals) in the app', value: performance.now() - r0, unit: 'ms', note: 'real line speed of the built-in demo meter' });
    rows.push({ name: '  longest main-thread task', value: await longest(demo), unit: 'ms', note: 'goal < 100 ms (longtask observer)' });

    // 100,000 stored readings (added as the engine adds them), exported as CSV through the real save
    // picker (answered with a file in the page's private storage), until the app says "Saved".
    for (let from = 0; from < 100_000; from += 10_000) {
      await demo.evaluate(
        ([base, first]) =>
          new Promise<void>((resolve, reject) => {
            const open = indexedDB.open('meterscope');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const tx = open.result.transaction('readings', 'readwrite');
              const store = tx.objectStore('readings');
              for (let i = first; i < first + 10_000; i++) {
                store.add({ ts: base + i * 1000, device_alias: 'bulk', signal_alias: `s${i % 20}`, value: i / 100, decimals: 2, unit: 'kWh', quality: 'good', address: '1.0.1.8.0.255' });
              }
              tx.oncomplete = () => {
                open.result.close();
                resolve();
              };
              tx.onerror = () => reject(tx.error);
            };
          }),
        [Date.UTC(2026, 0, 1), from] as const,
      );
    }
    await longest(demo);
    const e0 = performance.now();
    await demo.getByRole('button', { name: /^Export CSV: Everything stored/ }).click();
    await demo.getByText(/^Saved meterscope-all-readings-.*\.csv\.$/).waitFor({ timeout: 300_000 });
    rows.push({ name: 'export of 100,000+ stored readings to CSV in the app', value: performance.now() - e0, unit: 'ms', note: 'streamed from IndexedDB into the file the save picker gave' });
    rows.push({ name: '  longest main-thread task', value: await longest(demo), unit: 'ms', note: 'goal < 100 ms (longtask observer)' });
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}
