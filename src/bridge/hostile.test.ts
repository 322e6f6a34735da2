/**
 * Issue 13, findings 1, 2 and 6: hostile clients against a real bridge on loopback. Raw TCP clients
 * send what no browser would; every wait is bounded in time and every loop in count.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../core/real-clock';
import { openBridgeLink } from '../transports/websocket/bridge-link';
import { BRIDGE_USAGE, parseBridgeArgs, runBridgeCli, TOKEN_ENV } from './cli';
import { LIMITS, startBridge, type BridgeOptions, type RunningBridge } from './server';
import { APP_ORIGIN, startEcho, wsFactory } from './test-support';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra: Partial<BridgeOptions> = {}) {
  const echo = await startEcho();
  cleanups.push(() => echo.close());
  const logs: string[] = [];
  const bridge = await startBridge({ port: 0, allow: [`127.0.0.1:${echo.port}`], log: (l) => logs.push(l), ...extra });
  cleanups.push(() => bridge.close());
  return { bridge, logs, target: `127.0.0.1:${echo.port}` };
}

interface RawClient {
  socket: Socket;
  /** Everything the bridge sent. */
  text(): string;
  /** Resolves when the bridge's side is gone (reset or fully closed), or with false after `ms`. */
  gone(ms: number): Promise<boolean>;
}

/** A TCP client that never closes its own side unless told to (allowHalfOpen), as a hostile one would. */
function raw(bridge: RunningBridge): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: bridge.port, allowHalfOpen: true });
    cleanups.push(() => void socket.destroy());
    let received = '';
    let closed = false;
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    socket.once('connect', () =>
      resolve({
        socket,
        text: () => received,
        async gone(ms) {
          // Keep poking: a half-closed peer reads on, a destroyed one answers with a reset.
          const until = performance.now() + ms;
          for (let i = 0; i < 1000 && !closed && performance.now() < until; i++) {
            if (socket.writable) socket.write('x');
            await realClock.sleep(25);
          }
          return closed;
        },
      }),
    );
    socket.once('error', reject);
  });
}

function handshake(target: string, headers: Record<string, string> = {}): string {
  const h = {
    Host: 'bridge',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    Origin: APP_ORIGIN,
    ...headers,
  };
  return `GET ${target} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

async function waitFor(what: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  for (let i = 0; i < 1000 && !what() && performance.now() < until; i++) await realClock.sleep(10);
  return what();
}

/** The bridge still relays for a well-behaved client. */
async function stillServes(bridge: RunningBridge, target: string): Promise<void> {
  const link = await openBridgeLink({ url: bridge.url, token: bridge.token, target, createSocket: wsFactory() }, realClock);
  await link.write(Uint8Array.of(1, 2, 3));
  expect(Array.from(await link.read(5000))).toEqual([1, 2, 3]);
  await link.close();
}

describe('finding 1: no request ends the process', () => {
  for (const requestTarget of ['//[', 'http://[', '//[?token=x', '/%', '/?token=%ZZ&target=%', '*', 'http://bridge.invalid:99999/']) {
    it(`answers 400 to the request target ${JSON.stringify(requestTarget)} and keeps relaying`, async () => {
      const { bridge, target, logs } = await setup();
      const c = await raw(bridge);
      c.socket.write(handshake(requestTarget));
      expect(await waitFor(() => c.text().includes('\r\n\r\n'), 3000)).toBe(true);
      expect(c.text()).toMatch(/^HTTP\/1\.1 4\d\d /);
      await stillServes(bridge, target);
      expect(logs.filter((l) => /refused \(4\d\d\)/.test(l)).length).toBeLessThanOrEqual(1);
    });
  }

  it('survives malformed HTTP, oversized headers and garbage, one log line each', async () => {
    const { bridge, target, logs } = await setup();
    const junk = ['\x00\x01\x02 not http\r\n\r\n', `GET / HTTP/1.1\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`, 'GET / HTTP/9.9\r\n\r\n', handshake('/', { 'Sec-WebSocket-Version': '99' })];
    for (const j of junk) {
      const c = await raw(bridge);
      c.socket.write(j);
      expect(await c.gone(3000)).toBe(true);
    }
    await stillServes(bridge, target);
    expect(logs.length).toBeLessThan(20);
  });
});

describe('finding 2: refused and slow handshakes do not hold sockets', () => {
  it('destroys refused sockets after a short grace even when the client keeps its side open', async () => {
    const { bridge } = await setup({ refuseGraceMs: 200 });
    const clients: RawClient[] = [];
    const refusals = [handshake('/?token=x&target=y', { Origin: 'http://evil.example' }), handshake('/?token=wrong-token-123&target=y')];
    for (let i = 0; i < 20; i++) {
      const c = await raw(bridge);
      c.socket.write(refusals[i % 2]);
      clients.push(c);
    }
    const gone = await Promise.all(clients.map((c) => c.gone(3000)));
    expect(gone.every(Boolean)).toBe(true);
    expect(clients[0].text()).toMatch(/^HTTP\/1\.1 403/);
    expect(clients[1].text()).toMatch(/^HTTP\/1\.1 401/);
  });

  it('cuts a handshake that trickles in one byte at a time', async () => {
    const { bridge, target } = await setup({ handshakeTimeoutMs: 800 });
    const c = await raw(bridge);
    const text = handshake(`/?token=${bridge.token}&target=${target}`);
    const t0 = performance.now();
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < text.length - 2 && c.socket.writable) c.socket.write(text[sent++]);
    }, 100);
    cleanups.push(() => clearInterval(trickle));
    const closedAt = (await waitFor(() => c.socket.destroyed || c.socket.readableEnded, 4000)) ? performance.now() : Infinity;
    clearInterval(trickle);
    expect(closedAt - t0).toBeLessThan(2500);
    expect(bridge.connections).toBe(0);
  });

  it('cuts a client that connects and says nothing', async () => {
    const { bridge } = await setup({ handshakeTimeoutMs: 500 });
    const c = await raw(bridge);
    expect(await waitFor(() => c.socket.destroyed || c.socket.readableEnded, 3000)).toBe(true);
  });
});

describe('finding 6: bounded options, token not on the command line', () => {
  it('refuses numbers outside their range, naming the range', () => {
    const base = ['--allow', '10.0.0.5:4059'];
    for (const [opt, v] of [['--idle', '3000000'], ['--idle', '0'], ['--max-message', '99999999999999999999'], ['--max-message', '1e3'], ['--max-connections', '100000'], ['--port', '65536'], ['--connect-timeout', '0x10'], ['--handshake-timeout', '-1']]) {
      expect(() => parseBridgeArgs([...base, opt, v]), `${opt} ${v}`).toThrow(/must be a whole number from \d+ to \d+/);
    }
    expect(parseBridgeArgs([...base, '--idle', '86400', '--max-message', String(LIMITS.maxMessageBytes.max)])).toMatchObject({ options: { idleMs: 86_400_000 } });
    expect(BRIDGE_USAGE).toMatch(/--idle SECONDS .*1\.\.86400/);
    expect(BRIDGE_USAGE).toMatch(/--max-message BYTES .*16\.\.16777216/);
  });

  it('startBridge refuses limits a timer or a buffer cannot hold', async () => {
    for (const o of [{ idleMs: 2 ** 31 }, { maxMessageBytes: 1e20 }, { maxConnections: 0 }, { connectTimeoutMs: Number.NaN }]) {
      await expect(startBridge({ port: 0, allow: ['127.0.0.1:1'], log: () => undefined, ...o })).rejects.toThrow(/must be a whole number in/);
    }
  });

  it('--idle 3000000 exits 2 at once instead of re-arming a 1 ms timer', async () => {
    let err = '';
    const code = await runBridgeCli(['--allow', '127.0.0.1:1', '--port', '0', '--idle', '3000000'], { out: () => undefined, err: (t) => (err += t), signal: AbortSignal.abort() });
    expect(code).toBe(2);
    expect(err).toMatch(/--idle must be a whole number from 1 to 86400/);
  });

  it('takes the token from a 0600 file or the environment, and refuses a file others can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'file-token-0123456789\n');
    chmodSync(file, 0o600);
    expect(parseBridgeArgs(['--allow', '10.0.0.5:1', '--token-file', file])).toMatchObject({ options: { token: 'file-token-0123456789' } });
    chmodSync(file, 0o644);
    expect(() => parseBridgeArgs(['--allow', '10.0.0.5:1', '--token-file', file])).toThrow(/mode 0644: others may read it/);
    expect(parseBridgeArgs(['--allow', '10.0.0.5:1'], { [TOKEN_ENV]: 'env-token-0123456789' })).toMatchObject({ options: { token: 'env-token-0123456789' } });
    // The command line wins over the environment; two explicit sources are a mistake.
    expect(parseBridgeArgs(['--allow', '10.0.0.5:1', '--token', 'cli-token-0123456789'], { [TOKEN_ENV]: 'env-token-0123456789' })).toMatchObject({ options: { token: 'cli-token-0123456789' } });
    chmodSync(file, 0o600);
    expect(() => parseBridgeArgs(['--allow', '10.0.0.5:1', '--token', 'cli-token-0123456789', '--token-file', file])).toThrow(/given twice/);
    expect(() => parseBridgeArgs(['--allow', '10.0.0.5:1'], { [TOKEN_ENV]: 'short' })).toThrow(/at least 12/);
  });
});
