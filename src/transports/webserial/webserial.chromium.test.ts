/**
 * The Web Serial Link and the bridge client in Debian's Chromium: the harness is bundled with Vite and
 * loaded into a page served from loopback; the IEC scenario runs on the page and in a dedicated worker
 * (where the app's worker owns its ports), the bridge scenario uses the browser's own WebSocket against
 * the real bridge. Skipped when /usr/bin/chromium is absent.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build } from 'vite';
import { startBridge, type RunningBridge } from '../../bridge/server';
import { startEcho, type EchoServer } from '../../bridge/test-support';
import type { IecScenarioResult } from './browser-harness';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

async function bundleHarness(): Promise<string> {
  const entry = fileURLToPath(new URL('./browser-harness.ts', import.meta.url));
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'harness' } },
  });
  const outputs = Array.isArray(out) ? out : [out];
  for (const o of outputs) {
    if ('output' in o) {
      const chunks = o.output.filter((c) => c.type === 'chunk');
      if (chunks.length !== 1) throw new Error(`expected one bundle chunk, got ${chunks.length}`);
      const chunk = chunks[0];
      if ('code' in chunk) return chunk.code;
    }
  }
  throw new Error('no bundle produced');
}

/** Serves the page and the bundle on loopback; the page's origin is http://127.0.0.1:<port>. */
async function servePage(js: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/harness.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>harness</title><script type="module" src="/harness.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  return { server, origin: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

describe.skipIf(!haveChromium)('in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let site: { server: Server; origin: string };
  let echo: EchoServer;
  let bridge: RunningBridge;

  beforeAll(async () => {
    const js = await bundleHarness();
    site = await servePage(js);
    echo = await startEcho();
    bridge = await startBridge({ port: 0, allow: [`127.0.0.1:${echo.port}`], origins: [site.origin], log: () => undefined });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    page = await browser.newPage();
    await page.goto(`${site.origin}/`);
    await page.waitForFunction(() => '__meterscopeHarness' in globalThis, undefined, { timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
    await echo?.close();
    await new Promise<void>((resolve) => (site ? site.server.close(() => resolve()) : resolve()));
  });

  it('reads an IEC meter over the fake SerialPort on the page (reopen for the baud switch), unplug gives PORT_LOST', async () => {
    const r = await page.evaluate(async () => {
      const h = (globalThis as unknown as { __meterscopeHarness: { iecReadout(): Promise<IecScenarioResult> } }).__meterscopeHarness;
      return h.iecReadout();
    });
    expect(r.quality).toBe('good');
    expect(r.value).toBe(147238.4);
    expect(r.opens[0]).toBe('300 7e1');
    expect(r.opens).toContain('9600 7e1'); // mode C keeps 7E1 at the agreed rate
    expect(r.unplugError).toBe('PORT_LOST');
  }, 30_000);

  it('does the same inside a dedicated worker (module worker, as the app owns ports there)', async () => {
    const r = await page.evaluate(async () => {
      const src = await (await fetch('/harness.js')).text();
      const boot = `\nself.onmessage = async () => { try { self.postMessage({ ok: await globalThis.__meterscopeHarness.iecReadout() }); } catch (e) { self.postMessage({ error: String(e && e.stack || e) }); } };`;
      const url = URL.createObjectURL(new Blob([src + boot], { type: 'text/javascript' }));
      const worker = new Worker(url, { type: 'module' });
      const answer = new Promise<{ ok?: IecScenarioResult; error?: string }>((resolve) => (worker.onmessage = (e) => resolve(e.data)));
      worker.postMessage('go');
      const result = await answer;
      worker.terminate();
      return result;
    });
    expect(r.error).toBeUndefined();
    expect(r.ok).toMatchObject({ quality: 'good', value: 147238.4, unplugError: 'PORT_LOST' });
  }, 30_000);

  it('relays 256 KiB byte-exact through the bridge with the browser WebSocket; a foreign origin is refused', async () => {
    const args = { url: bridge.url, token: bridge.token, target: `127.0.0.1:${echo.port}` };
    const r = await page.evaluate(async (a) => {
      const h = (globalThis as unknown as { __meterscopeHarness: { bridgeEcho(u: string, t: string, g: string, n: number): Promise<{ ok: boolean; bytes: number }> } }).__meterscopeHarness;
      return h.bridgeEcho(a.url, a.token, a.target, 256 * 1024);
    }, args);
    expect(r).toEqual({ ok: true, bytes: 256 * 1024 });
    const wrongToken = await page.evaluate(async (a) => {
      const h = (globalThis as unknown as { __meterscopeHarness: { bridgeRefused(u: string, t: string, g: string): Promise<string> } }).__meterscopeHarness;
      return h.bridgeRefused(a.url, 'not-the-token-at-all', a.target);
    }, args);
    expect(wrongToken).toBe('PORT_LOST');
    // The same page origin is not allowed by a second bridge with the default origins.
    const strict = await startBridge({ port: 0, allow: args.target ? [args.target] : [], log: () => undefined });
    try {
      const foreign = await page.evaluate(async (a) => {
        const h = (globalThis as unknown as { __meterscopeHarness: { bridgeRefused(u: string, t: string, g: string): Promise<string> } }).__meterscopeHarness;
        return h.bridgeRefused(a.url, a.token, a.target);
      }, { ...args, url: strict.url, token: strict.token });
      expect(foreign).toBe('PORT_LOST');
    } finally {
      await strict.close();
    }
  }, 30_000);
});
