import { describe, expect, it } from 'vitest';
import { realClock } from '../core/real-clock';
import { openBridgeLink } from '../transports/websocket/bridge-link';
import { parseBridgeArgs, runBridgeCli } from './cli';
import type { RunningBridge } from './server';
import { startEcho, wsFactory } from './test-support';

describe('meterscope bridge (CLI)', () => {
  it('parses every option, repeatable --allow and --origin', () => {
    const p = parseBridgeArgs([
      '--allow', '10.0.0.5:4059', '--allow=10.1.0.0/16:4059', '--origin', 'https://meters.example.org', '--port', '0', '--host', '127.0.0.1',
      '--token', 'abcdefghijklmnop', '--max-connections', '4', '--max-message', '1024', '--idle', '30', '--allow-no-origin',
    ]);
    expect(p).toEqual({
      help: false,
      options: {
        allow: ['10.0.0.5:4059', '10.1.0.0/16:4059'],
        origins: ['https://meters.example.org'],
        port: 0,
        host: '127.0.0.1',
        token: 'abcdefghijklmnop',
        maxConnections: 4,
        maxMessageBytes: 1024,
        idleMs: 30_000,
        allowMissingOrigin: true,
      },
    });
    expect(parseBridgeArgs(['--help'])).toEqual({ help: true });
  });

  it('rejects bad options with exit code 2 and a sentence', async () => {
    for (const argv of [[], ['--allow', '10.0.0.5'], ['--allow', '10.0.0.5:1', '--token', 'short'], ['--allow', '10.0.0.5:1', '--port', 'x'], ['--allow', '10.0.0.5:1', '--bogus'], ['--allow', '10.0.0.5:1', '--origin', 'https://x.org/path']]) {
      let err = '';
      const code = await runBridgeCli(argv, { out: () => undefined, err: (t) => (err += t) });
      expect(code, argv.join(' ')).toBe(2);
      expect(err).toMatch(/^meterscope bridge: .+\n/);
    }
  });

  it('starts, prints the URL and a generated token (stdout only), relays, and stops on the signal with 0', async () => {
    const echo = await startEcho();
    const stop = new AbortController();
    let out = '';
    let err = '';
    let running: RunningBridge | undefined;
    const exit = runBridgeCli(['--allow', `127.0.0.1:${echo.port}`, '--port', '0'], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      signal: stop.signal,
      onStarted: (b) => (running = b),
    });
    for (let i = 0; i < 200 && !running; i++) await realClock.sleep(10);
    expect(running).toBeDefined();
    const token = /Token \(new for this run\): (\S+)/.exec(out)?.[1];
    expect(token).toBe(running!.token);
    expect(out).toContain(`listening at ${running!.url}`);
    const link = await openBridgeLink({ url: running!.url, token, target: `127.0.0.1:${echo.port}`, createSocket: wsFactory() }, realClock);
    await link.write(Uint8Array.of(9, 8, 7));
    const got = await link.read(5000);
    expect(Array.from(got)).toEqual([9, 8, 7]);
    await link.close();
    stop.abort();
    expect(await exit).toBe(0);
    expect(err).not.toContain(token!);
    expect(err).toContain('bridge stopped');
    await echo.close();
  });
});
