/**
 * The bridge with real sockets on loopback: a TCP echo meter, the bridge, and clients (the app's
 * BridgeLink over the `ws` client, or a raw ws client for handshake details). Every loop is bounded in
 * count and every wait in time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../core/real-clock';
import { openBridgeLink, type BridgeLink } from '../transports/websocket/bridge-link';
import { startBridge, type BridgeOptions, type RunningBridge } from './server';
import { APP_ORIGIN, closed, dial, startEcho, wsFactory, type EchoServer } from './test-support';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra: Partial<BridgeOptions> = {}, echoHook?: Parameters<typeof startEcho>[0]) {
  const echo = await startEcho(echoHook);
  cleanups.push(() => echo.close());
  const logs: string[] = [];
  const bridge = await startBridge({ port: 0, allow: [`127.0.0.1:${echo.port}`], log: (l) => logs.push(l), ...extra });
  cleanups.push(() => bridge.close());
  return { echo, bridge, logs, target: `127.0.0.1:${echo.port}` };
}

function open(bridge: RunningBridge, target: string, extra: { token?: string; origin?: string; maxMessageBytes?: number } = {}): Promise<BridgeLink> {
  return openBridgeLink(
    {
      url: bridge.url,
      token: extra.token ?? bridge.token,
      target,
      createSocket: wsFactory(extra.origin ?? APP_ORIGIN),
      ...(extra.maxMessageBytes ? { maxMessageBytes: extra.maxMessageBytes } : {}),
    },
    realClock,
  );
}

/** Read until `n` bytes arrived; bounded by count and by `ms` of wall time. */
async function readExactly(link: BridgeLink, n: number, ms = 10_000): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  const deadline = performance.now() + ms;
  for (let i = 0; i < 100_000 && got < n && performance.now() < deadline; i++) {
    const chunk = await link.read(Math.max(1, deadline - performance.now()));
    if (got + chunk.length > n) throw new Error(`more bytes than expected: ${got + chunk.length} > ${n}`);
    out.set(chunk, got);
    got += chunk.length;
  }
  if (got !== n) throw new Error(`only ${got} of ${n} bytes`);
  return out;
}

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

describe('bridge: who may connect', () => {
  it('relays for the app origin with the right token and subprotocol "binary"', async () => {
    const { bridge, target, logs } = await setup();
    expect(bridge.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    expect(bridge.tokenGenerated).toBe(true);
    expect(bridge.token.length).toBeGreaterThanOrEqual(24);
    const link = await open(bridge, target);
    await link.write(new TextEncoder().encode('/?!\r\n'));
    expect(new TextDecoder().decode(await readExactly(link, 5))).toBe('/?!\r\n');
    await link.close();
    const raw = await dial(`${bridge.url}?token=${bridge.token}&target=${target}`, { origin: APP_ORIGIN });
    expect(raw).toMatchObject({ open: true, protocol: 'binary' });
    if ('ws' in raw) raw.ws.close();
    expect(logs.join('\n')).toContain(`-> ${target}`);
  });

  it('refuses a foreign Origin and a missing Origin (403), without reaching the target', async () => {
    const { bridge, target, echo } = await setup();
    const q = `?token=${bridge.token}&target=${target}`;
    expect(await dial(bridge.url + q, { origin: 'https://evil.example' })).toEqual({ status: 403 });
    expect(await dial(bridge.url + q, { origin: 'http://localhost:5174' })).toEqual({ status: 403 });
    expect(await dial(bridge.url + q, {})).toEqual({ status: 403 });
    await expect(open(bridge, target, { origin: 'https://evil.example' })).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(echo.accepted).toBe(0);
  });

  it('accepts an origin given with --origin, and a missing Origin only when allowed', async () => {
    const { bridge, target } = await setup({ origins: ['https://meters.example.org'], allowMissingOrigin: true });
    const q = `?token=${bridge.token}&target=${target}`;
    expect(await dial(bridge.url + q, { origin: APP_ORIGIN })).toEqual({ status: 403 });
    for (const origin of ['https://meters.example.org', undefined]) {
      const r = await dial(bridge.url + q, origin ? { origin } : {});
      expect(r).toMatchObject({ open: true });
      if ('ws' in r) r.ws.close();
    }
  });

  it('refuses a missing or wrong token (401), and never logs the token', async () => {
    const { bridge, target, echo, logs } = await setup({ token: 'correct-horse-battery-staple' });
    expect(bridge.tokenGenerated).toBe(false);
    expect(await dial(`${bridge.url}?target=${target}`, { origin: APP_ORIGIN })).toEqual({ status: 401 });
    expect(await dial(`${bridge.url}?token=wrong-token-123456&target=${target}`, { origin: APP_ORIGIN })).toEqual({ status: 401 });
    expect(await dial(`${bridge.url}?token=correct-horse-battery-stapl&target=${target}`, { origin: APP_ORIGIN })).toEqual({ status: 401 });
    await expect(open(bridge, target, { token: 'nope-nope-nope' })).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(echo.accepted).toBe(0);
    const ok = await open(bridge, target);
    await ok.close();
    expect(logs.some((l) => l.includes('wrong token'))).toBe(true);
    expect(logs.join('\n')).not.toContain('correct-horse');
  });

  it('refuses a target that is not on the allowlist (close 4003) and never connects to it', async () => {
    const { bridge, echo } = await setup();
    const other = await startEcho();
    cleanups.push(() => other.close());
    const lost: string[] = [];
    const link = await open(bridge, `127.0.0.1:${other.port}`);
    link.onLost = (r) => lost.push(r);
    await expect(link.read(5000)).rejects.toMatchObject({ code: 'PORT_LOST', message: expect.stringContaining('does not allow this target') });
    expect(lost).toHaveLength(1);
    // Another port on an allowed host, and a malformed target, are refused too.
    const r = await dial(`${bridge.url}?token=${bridge.token}&target=127.0.0.1:${echo.port + 1}`, { origin: APP_ORIGIN });
    if (!('ws' in r)) throw new Error('expected an open socket');
    expect((await closed(r.ws)).code).toBe(4003);
    const bad = await dial(`${bridge.url}?token=${bridge.token}&target=http://x`, { origin: APP_ORIGIN });
    if (!('ws' in bad)) throw new Error('expected an open socket');
    expect((await closed(bad.ws)).code).toBe(4000);
    expect(other.accepted).toBe(0);
    expect(echo.accepted).toBe(0);
  });

  it('checks the resolved address: a name is allowed by a CIDR rule covering where it resolves', async () => {
    const echo = await startEcho();
    cleanups.push(() => echo.close());
    const resolved: string[] = [];
    const bridge = await startBridge({
      port: 0,
      allow: [`127.0.0.0/8:${echo.port}`],
      log: () => undefined,
      lookup: async (name) => {
        resolved.push(name);
        if (name === 'meter.lan') return '127.0.0.1';
        if (name === 'elsewhere.lan') return '10.1.2.3';
        throw new Error('ENOTFOUND');
      },
    });
    cleanups.push(() => bridge.close());
    const link = await open(bridge, `meter.lan:${echo.port}`);
    await link.write(Uint8Array.of(1, 2, 3));
    expect(Array.from(await readExactly(link, 3))).toEqual([1, 2, 3]);
    await link.close();
    const away = await open(bridge, `elsewhere.lan:${echo.port}`);
    await expect(away.read(5000)).rejects.toMatchObject({ message: expect.stringContaining('does not allow') });
    const unknown = await open(bridge, `nowhere.lan:${echo.port}`);
    await expect(unknown.read(5000)).rejects.toMatchObject({ message: expect.stringContaining('could not reach') });
    expect(resolved).toEqual(['meter.lan', 'elsewhere.lan', 'nowhere.lan']);
  });

  it('caps connections (503 past the limit) and frees the slot when a link closes', async () => {
    const { bridge, target } = await setup({ maxConnections: 2 });
    const a = await open(bridge, target);
    const b = await open(bridge, target);
    expect(await dial(`${bridge.url}?token=${bridge.token}&target=${target}`, { origin: APP_ORIGIN })).toEqual({ status: 503 });
    await a.close();
    let c: BridgeLink | undefined;
    for (let i = 0; i < 50 && !c; i++) {
      c = await open(bridge, target).catch(async () => {
        await realClock.sleep(20);
        return undefined;
      });
    }
    expect(c).toBeDefined();
    await b.close();
    await c!.close();
  });
});

describe('bridge: relaying', () => {
  it('an oversized message closes the link (1009) and the target connection', async () => {
    const { bridge, target, echo } = await setup({ maxMessageBytes: 1024 });
    const link = await open(bridge, target, { maxMessageBytes: 4096 });
    const lost: string[] = [];
    link.onLost = (r) => lost.push(r);
    await link.write(new Uint8Array(1024).fill(7)); // exactly the cap passes
    expect((await readExactly(link, 1024)).every((b) => b === 7)).toBe(true);
    await link.write(new Uint8Array(1025));
    await expect(link.read(5000)).rejects.toMatchObject({ code: 'PORT_LOST', message: expect.stringContaining('larger than the bridge accepts') });
    expect(lost).toHaveLength(1);
    for (let i = 0; i < 100 && echo.sockets.size > 0; i++) await realClock.sleep(10);
    expect(echo.sockets.size).toBe(0);
  });

  it('50 concurrent clients relaying to the TCP meter all get their own bytes back intact', async () => {
    const { bridge, target, echo } = await setup({ maxConnections: 64 });
    const N = 50;
    const SIZE = 20_000;
    const results = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const link = await open(bridge, target);
        const data = pattern(SIZE, i + 1);
        // Written in uneven pieces, read back while writing.
        const back = readExactly(link, SIZE, 15_000);
        for (let at = 0, step = 1; at < SIZE; at += step, step = (step * 7 + 13) % 3000 || 1) await link.write(data.subarray(at, Math.min(SIZE, at + step)));
        const got = await back;
        await link.close();
        return Buffer.from(got).equals(Buffer.from(data));
      }),
    );
    expect(results.filter(Boolean)).toHaveLength(N);
    expect(echo.accepted).toBe(N);
    for (let i = 0; i < 100 && bridge.connections > 0; i++) await realClock.sleep(10);
    expect(bridge.connections).toBe(0);
  });

  it('a 1 MB transfer passes byte-exact (both directions)', async () => {
    const { bridge, target } = await setup();
    const link = await open(bridge, target);
    const data = pattern(1 << 20, 0xc0ffee);
    const back = readExactly(link, data.length, 15_000);
    await link.write(data);
    const got = await back;
    expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
    expect(link.stats).toEqual({ bytesIn: data.length, bytesOut: data.length });
    await link.close();
  });

  it('holds the target back while the browser side does not read (backpressure), then delivers everything', async () => {
    const TOTAL = 48 << 20;
    let written = 0;
    const { bridge, target } = await setup({ highWaterBytes: 256 * 1024, maxMessageBytes: 64 * 1024 }, (s) => {
      // A fast talker that respects its socket's backpressure.
      const chunk = Buffer.alloc(64 * 1024, 0x5a);
      const pump = () => {
        while (written < TOTAL) {
          written += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
      return true;
    });
    const r = await dial(`${bridge.url}?token=${bridge.token}&target=${target}`, { origin: APP_ORIGIN });
    if (!('ws' in r)) throw new Error('expected an open socket');
    r.ws.pause();
    await realClock.sleep(700);
    const whilePaused = written;
    expect(whilePaused).toBeLessThan(TOTAL - (8 << 20));
    let received = 0;
    const done = new Promise<void>((resolve) => r.ws.on('close', () => resolve()));
    r.ws.on('message', (d: Buffer) => (received += d.length));
    r.ws.resume();
    await Promise.race([done, realClock.sleep(15_000)]);
    expect(received).toBe(TOTAL);
  });

  it('closes an idle link (4008) and the target side with it', async () => {
    const { bridge, target, echo } = await setup({ idleMs: 300 });
    const r = await dial(`${bridge.url}?token=${bridge.token}&target=${target}`, { origin: APP_ORIGIN });
    if (!('ws' in r)) throw new Error('expected an open socket');
    const t0 = performance.now();
    const c = await closed(r.ws, 3000);
    expect(c.code).toBe(4008);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    for (let i = 0; i < 100 && echo.sockets.size > 0; i++) await realClock.sleep(10);
    expect(echo.sockets.size).toBe(0);
  });

  it('refuses text frames (1003): the subprotocol is binary only', async () => {
    const { bridge, target } = await setup();
    const r = await dial(`${bridge.url}?token=${bridge.token}&target=${target}`, { origin: APP_ORIGIN });
    if (!('ws' in r)) throw new Error('expected an open socket');
    await realClock.sleep(50);
    r.ws.send('hello');
    expect((await closed(r.ws)).code).toBe(1003);
    expect(await dial(`${bridge.url}?token=${bridge.token}&target=${target}`, { origin: APP_ORIGIN, protocols: ['base64'] })).toEqual({ status: 400 });
  });

  it('the meter closing its side ends the link with onLost', async () => {
    const { bridge, target } = await setup({}, (s) => {
      s.end(Buffer.from('bye'));
      return true;
    });
    const link = await open(bridge, target);
    const lost: string[] = [];
    link.onLost = (r) => lost.push(r);
    expect(new TextDecoder().decode(await readExactly(link, 3))).toBe('bye');
    await expect(link.read(5000)).rejects.toMatchObject({ code: 'PORT_LOST', message: expect.stringContaining('meter closed') });
    expect(lost).toHaveLength(1);
  });

  it('close() ends every link with 1001', async () => {
    const { bridge, target } = await setup();
    const link = await open(bridge, target);
    await bridge.close();
    await expect(link.read(5000)).rejects.toMatchObject({ message: expect.stringContaining('shutting down') });
  });
});
