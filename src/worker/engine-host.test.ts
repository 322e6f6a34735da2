import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config';
import type { Clock } from '../core/clock';
import { MeterError } from '../core/errors';
import type { EngineEvent } from './engine-api';
import { EngineHost, NOT_WIRED, type BackendContext, type EngineBackendFactory } from './engine-host';

const clock: Clock = {
  now: () => 0,
  wallTime: () => 1_700_000_000_000,
  sleep: () => Promise.resolve(),
  schedule: () => () => undefined,
};

const example = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));

function collect(host: EngineHost): EngineEvent[] {
  const events: EngineEvent[] = [];
  host.subscribe((e) => {
    events.push(e);
  });
  return events;
}

describe('EngineHost', () => {
  it('refuses a configuration with errors, returns them all and does not change state', async () => {
    const host = new EngineHost({ validate: validateConfig, clock });
    const result = await host.loadConfig(example('invalid.json'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.length).toBeGreaterThan(5);
    expect(result.errors.every((e) => typeof e.path === 'string' && e.message.length > 0)).toBe(true);
    expect(host.status().state).toBe('empty');
    expect(() => host.start()).toThrow(MeterError);
  });

  it('starts with the placeholder backend: every enabled device idle, "not yet wired", no values', async () => {
    const host = new EngineHost({ validate: validateConfig, clock });
    const events = collect(host);
    const loaded = await host.loadConfig(example('wcc-lite.json'));
    expect(loaded.ok).toBe(true);
    expect(host.status().state).toBe('loaded');
    const status = host.start();
    expect(status.state).toBe('running');
    expect(status.busy).toBe(false);
    const enabled = status.devices.filter((d) => d.state !== 'disabled');
    expect(enabled.length).toBeGreaterThan(0);
    for (const d of enabled) {
      expect(d.state).toBe('idle');
      expect(d.detail).toBe(NOT_WIRED);
    }
    expect(events.filter((e) => e.type === 'value')).toHaveLength(0);
    expect(events.filter((e) => e.type === 'status')).toHaveLength(enabled.length);
    const stopped = await host.stop();
    expect(stopped.state).toBe('loaded');
    expect(stopped.devices.filter((d) => d.state !== 'disabled').every((d) => d.state === 'stopped')).toBe(true);
  });

  it('passes a plugged-in backend values, states and trace through, and reports busy while reading', async () => {
    let ctx: BackendContext | undefined;
    let stops = 0;
    const backend: EngineBackendFactory = (_config, c) => {
      ctx = c;
      return {
        start() {},
        async stop() {
          stops++;
        },
        async readOnce() {
          return [];
        },
      };
    };
    const host = new EngineHost({ validate: validateConfig, clock, backend });
    const events = collect(host);
    await host.loadConfig(example('wcc-lite.json'));
    host.start();
    const alias = host.status().devices[0]!.device_alias;
    ctx!.status(alias, 'reading');
    expect(host.status().busy).toBe(true);
    ctx!.value({ ts: 1, device_alias: alias, signal_alias: 'x', value: 1.5, unit: 'kWh', quality: 'good' });
    ctx!.status(alias, 'ok');
    expect(host.status().busy).toBe(false);
    ctx!.logger.log(3, alias, 'hello from the backend');
    expect(events).toContainEqual({ type: 'value', reading: expect.objectContaining({ value: 1.5, device_alias: alias }) });
    expect(events.some((e) => e.type === 'trace' && e.line.message === 'hello from the backend')).toBe(true);
    expect(host.start().state).toBe('running'); // a second start does not make a second backend
    await host.stop();
    expect(stops).toBe(1);
  });

  it('masks configured passwords in trace lines', async () => {
    let ctx: BackendContext | undefined;
    const host = new EngineHost({
      validate: validateConfig,
      clock,
      backend: (_config, c) => {
        ctx = c;
        return { start() {}, async stop() {}, async readOnce() { return []; } };
      },
    });
    const events = collect(host);
    const doc = example('wcc-lite.json') as { devices: { password?: string }[] };
    const password = doc.devices.find((d) => typeof d.password === 'string' && d.password.length >= 3)?.password;
    expect(password).toBeTruthy();
    await host.loadConfig(doc);
    host.start();
    ctx!.logger.log(3, 'x', `P1 (${password})`);
    const messages = events.flatMap((e) => (e.type === 'trace' ? [e.line.message] : []));
    expect(messages.at(-1)).toMatch(/^P1 \(/);
    expect(messages.at(-1)).not.toContain(password);
  });

  it('replays recent trace lines to a late subscriber and drops a listener whose page is gone', async () => {
    const host = new EngineHost({ validate: validateConfig, clock, traceBacklog: 2 });
    host.trace(3, 'engine', 'one');
    host.trace(3, 'engine', 'two');
    host.trace(3, 'engine', 'three');
    const late = collect(host);
    expect(late.map((e) => (e.type === 'trace' ? e.line.message : ''))).toEqual(['two', 'three']);

    let calls = 0;
    host.subscribe(() => {
      calls++;
      return Promise.reject(new Error('port closed'));
    });
    const before = calls;
    host.trace(3, 'engine', 'four');
    await new Promise((r) => setTimeout(r, 0));
    host.trace(3, 'engine', 'five');
    expect(calls).toBe(before + 1);
  });

  it('decodes frames of level 5 and up for the Trace page, from the already masked hex', async () => {
    const seen: string[] = [];
    let ctx: BackendContext | undefined;
    const host = new EngineHost({
      validate: validateConfig,
      clock,
      traceLevel: 7,
      decodeFrame: (hex) => {
        seen.push(hex);
        return { label: 'frame', value: hex.length };
      },
      backend: (_config, c) => {
        ctx = c;
        return { start() {}, async stop() {}, async readOnce() { return []; } };
      },
    });
    const events = collect(host);
    const doc = example('wcc-lite.json') as { devices: { password?: string }[] };
    const password = doc.devices.find((d) => typeof d.password === 'string' && d.password.length >= 3)!.password!;
    await host.loadConfig(doc);
    ctx!.logger.log(5, 'P1', 'tx', new TextEncoder().encode(`A${password}B`), 'tx');
    ctx!.logger.log(4, 'P1', 'info only', new Uint8Array([1, 2, 3]), 'tx');
    const traced = events.flatMap((e) => (e.type === 'trace' && e.line.decoded !== undefined ? [e.line] : []));
    expect(traced).toHaveLength(1);
    // The decoder only ever saw the masked bytes: the password's own hex is not there.
    const passwordHex = [...new TextEncoder().encode(password)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
    expect(seen[0]).toContain('**');
    expect(seen[0]).not.toContain(passwordHex);
  });
});

describe('EngineHost on the demo meters (virtual time)', () => {
  it('two reads of every device in the same turn read and store each demo signal once', async () => {
    const { VirtualClock } = await import('../core/virtual-clock');
    const { demoConfig } = await import('../sim/demo');
    const { protocolBackend } = await import('./protocol-backend');
    const { openWorkerLink } = await import('./worker-links');
    const vclock = new VirtualClock(Date.UTC(2026, 10, 25, 12));
    const committed: unknown[] = [];
    const host = new EngineHost({
      validate: validateConfig,
      clock: vclock,
      backend: protocolBackend({ openLink: openWorkerLink, commit: async (r) => void committed.push(...r) }),
    });
    expect((await host.loadConfig(demoConfig())).ok).toBe(true);
    const signals = (demoConfig() as { signals: unknown[] }).signals.length;
    expect(signals).toBe(27);
    const [a, b] = await vclock.run(() => Promise.all([host.readOnce(), host.readOnce()]));
    expect(a).toHaveLength(signals);
    expect(b).toEqual(a);
    expect(committed).toHaveLength(27);
  });
});
