import { describe, expect, it } from 'vitest';
import { MeterError } from '../core/errors';
import type { Reading } from '../core/reading';
import { VirtualClock } from '../core/virtual-clock';
import { Engine, type EngineOptions } from './engine';
import { EventLog, FakeMeters, configOf, iecDevice, iecSignal, type Script, type Call } from './test-kit';
import type { DeviceConfig, SignalConfig } from '../config/types';
import type { EngineLogEvent } from './types';

function setup(devices: DeviceConfig[], signals: SignalConfig[], script: Script = {}, extra: Partial<EngineOptions> = {}) {
  const clock = new VirtualClock();
  const meters = new FakeMeters(clock, script);
  const events = new EventLog(clock);
  const engine = new Engine({
    config: configOf(devices, signals),
    clock,
    openLink: meters.openLink,
    createDriver: meters.createDriver,
    onEvent: events.onEvent,
    ...extra,
  });
  return { clock, meters, events, engine };
}

const starts = (calls: Call[]) => calls.map((c) => c.start);

describe('Engine polling', () => {
  it('polls every scan_rate_ms, measured start to start: 3 polls in 30 s at 10000', async () => {
    const { clock, meters, engine, events } = setup([iecDevice('m1')], [iecSignal('m1', 'a'), iecSignal('m1', 'b')], { readMs: 700 });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(30_000);
      await engine.stop();
    });
    expect(starts(meters.of('m1', 'read'))).toEqual([0, 10_000, 20_000]);
    const values = events.ofType('value');
    expect(values).toHaveLength(6);
    expect(values.map((v) => v.reading.signal_alias)).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    // The link is opened once and closed at stop.
    expect(meters.opened).toHaveLength(1);
    expect(() => meters.lastPair().client.discardInput()).not.toThrow();
    await expect(meters.lastPair().client.read(0)).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(engine.status().devices[0].state).toBe('stopped');
  });

  it('a read longer than the scan rate starts the next at once, without pile-up', async () => {
    const { clock, meters, engine } = setup([iecDevice('m1', { scan_rate_ms: 10_000, timeout_ms: 20_000 })], [iecSignal('m1', 'a')], {
      readMs: 15_000,
    });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(44_000);
      await engine.stop();
    });
    expect(starts(meters.of('m1', 'read'))).toEqual([0, 15_000, 30_000]);
  });

  it('retries, then marks the link lost, then reconnects every reconnect_time', async () => {
    const dev = iecDevice('m1', { retry_counter: 3, reconnect_time: 1000, scan_rate_ms: 10_000 });
    const { clock, meters, engine, events } = setup([dev], [iecSignal('m1', 'a')], {
      readMs: 2500,
      outcome: (n) => (n <= 4 ? 'TIMEOUT' : 'ok'),
    });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(25_000);
      await engine.stop();
    });
    // Three exchanges back to back, then lost at 7500; reconnect attempts at 8500 (fails) and 12000.
    expect(starts(meters.of('m1', 'read'))).toEqual([0, 2500, 5000, 8500, 12_000, 22_000]);
    const st = events.statuses('m1');
    const at = (state: string) => st.filter((s) => s.state === state).map((s) => [s.t, s.attempt]);
    expect(at('retrying')).toEqual([
      [2500, 1],
      [5000, 2],
    ]);
    expect(at('link-lost')).toEqual([
      [7500, undefined],
      [11_000, 1],
    ]);
    expect(st.find((s) => s.state === 'link-lost')?.error).toBe('TIMEOUT');
    // The link is closed when lost and opened again for every reconnect attempt.
    expect(meters.opened.map((o) => o.at)).toEqual([0, 8500, 12_000]);
    await expect(meters.opened[0].pair.client.read(0)).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(events.logEvents('link-lost').map((e) => e.t)).toEqual([7500]);
    expect(events.logEvents('reconnected').map((e) => e.t)).toEqual([14_500]);
    // After the reconnect the cadence restarts from the successful attempt.
    expect(events.statuses('m1').filter((s) => s.state === 'ok').map((s) => s.t)).toEqual([14_500, 24_500]);
    // The failed cycle is on record as bad readings.
    const bad = events.ofType('value').filter((v) => v.reading.quality === 'bad');
    expect(bad.map((v) => v.reading.error)).toEqual(['TIMEOUT']);
  });

  it('per-signal bad readings are not failed exchanges', async () => {
    const dev = iecDevice('m1', { retry_counter: 1, scan_rate_ms: 1000 });
    const { clock, meters, engine, events } = setup([dev], [iecSignal('m1', 'a'), iecSignal('m1', 'zz')], {
      badSignal: (s) => (s.signal_alias === 'zz' ? 'OBJECT_UNDEFINED' : undefined),
    });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(5500);
      await engine.stop();
    });
    expect(meters.of('m1', 'read')).toHaveLength(6);
    expect(events.statuses('m1').some((s) => s.state === 'link-lost' || s.state === 'retrying')).toBe(false);
    const readings = events.ofType('readings');
    expect(readings[0].readings.map((r) => [r.quality, r.error])).toEqual([
      ['good', undefined],
      ['bad', 'OBJECT_UNDEFINED'],
    ]);
  });

  it('unplug mid-read: PORT_LOST at once, no retries, reopen after reconnect_time', async () => {
    const dev = iecDevice('m1', { retry_counter: 3, reconnect_time: 1000 });
    const { clock, meters, engine, events } = setup([dev], [iecSignal('m1', 'a')], { readMs: 5000 });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(2000);
      meters.lastPair().unplug();
      await clock.sleep(10_000);
      await engine.stop();
    });
    const lost = events.statuses('m1').find((s) => s.state === 'link-lost');
    expect(lost).toMatchObject({ t: 2000, error: 'PORT_LOST' });
    expect(events.statuses('m1').some((s) => s.state === 'retrying')).toBe(false);
    expect(meters.of('m1', 'read')[0]).toMatchObject({ start: 0, end: 2000, outcome: 'PORT_LOST' });
    expect(meters.opened.map((o) => o.at)).toEqual([0, 3000]);
    expect(events.logEvents('reconnected').map((e) => e.t)).toEqual([8000]);
  });

  it('an unplug while idle between polls goes straight to link-lost', async () => {
    const { clock, meters, engine, events } = setup([iecDevice('m1')], [iecSignal('m1', 'a')], { readMs: 100 });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(4000);
      meters.lastPair().unplug();
      await clock.sleep(3000);
      await engine.stop();
    });
    expect(events.statuses('m1').find((s) => s.state === 'link-lost')).toMatchObject({ t: 4000, error: 'PORT_LOST' });
    expect(meters.opened.map((o) => o.at)).toEqual([0, 5000]);
    expect(starts(meters.of('m1', 'read'))).toEqual([0, 5000]);
  });

  it('devices on one serial port share one link and never overlap; a TCP device runs alongside', async () => {
    const a = iecDevice('a', { device: 'PORT1', scan_rate_ms: 5000 });
    const b = iecDevice('b', { device: 'PORT1', scan_rate_ms: 5000 });
    const c = iecDevice('c', { transport: 'tcp', ip: '10.0.0.5', port: 4059, device: undefined, scan_rate_ms: 5000 });
    const { clock, meters, engine } = setup([a, b, c], [iecSignal('a', 's'), iecSignal('b', 's'), iecSignal('c', 's')], {
      readMs: 3000,
      connectMs: 400,
    });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(30_000);
      await engine.stop();
    });
    const bus = meters.calls.filter((x) => x.device_alias !== 'c').sort((x, y) => x.start - y.start);
    for (let i = 1; i < bus.length; i++) expect(bus[i].start).toBeGreaterThanOrEqual(bus[i - 1].end ?? Infinity);
    expect(meters.of('a', 'read').length).toBeGreaterThanOrEqual(4);
    expect(meters.of('b', 'read').length).toBeGreaterThanOrEqual(4);
    // Both devices take turns: connect, read, disconnect within each turn.
    const done = (alias: string) => meters.of(alias, 'read').filter((x) => x.outcome === 'ok').length;
    expect(meters.of('a', 'disconnect').length).toBe(done('a'));
    expect(meters.of('b', 'disconnect').length).toBe(done('b'));
    // Served in turn: a, b, a, b, ...
    const turns = bus.filter((x) => x.op === 'read').map((x) => x.device_alias);
    expect(turns.join('')).toMatch(/^(ab)+a?$/);
    // The TCP device has its own link and overlaps freely with the bus.
    expect(meters.opened.map((o) => o.device_alias).sort()).toEqual(['a', 'c']);
    expect(starts(meters.of('c', 'read'))).toEqual([400, 5000, 10_000, 15_000, 20_000, 25_000]);
    // The TCP device keeps its session between polls: one connect only.
    expect(meters.of('c', 'connect')).toHaveLength(1);
  });

  it('disabled devices and signals are never read', async () => {
    const on = iecDevice('on');
    const off = iecDevice('off', { enable: 0 });
    const { clock, meters, engine, events } = setup([on, off], [iecSignal('on', 'x'), iecSignal('on', 'y', { enable: 0 }), iecSignal('off', 'z')]);
    await clock.run(async () => {
      engine.start();
      await clock.sleep(1000);
      expect(engine.status().devices.map((d) => [d.device_alias, d.state])).toEqual([
        ['on', 'ok'],
        ['off', 'disabled'],
      ]);
      const once = await engine.readOnce({ device_alias: 'off' });
      expect(once).toEqual([]);
      await engine.stop();
    });
    expect(meters.opened.map((o) => o.device_alias)).toEqual(['on']);
    expect(meters.calls.some((c) => c.device_alias === 'off')).toBe(false);
    expect(events.ofType('value').map((v) => v.reading.signal_alias)).toEqual(['x']);
  });
});

describe('Engine.readOnce', () => {
  it('connects, reads every enabled signal once, disconnects and closes the link', async () => {
    const { clock, meters, engine } = setup([iecDevice('m1'), iecDevice('m2')], [iecSignal('m1', 'a'), iecSignal('m2', 'b'), iecSignal('m2', 'c')]);
    const readings = await clock.run(() => engine.readOnce());
    expect(readings.map((r) => `${r.device_alias}.${r.signal_alias}=${r.quality}`)).toEqual(['m1.a=good', 'm2.b=good', 'm2.c=good']);
    expect(meters.calls.map((c) => `${c.device_alias}:${c.op}`).sort()).toEqual(
      ['m1:connect', 'm1:read', 'm1:disconnect', 'm2:connect', 'm2:read', 'm2:disconnect'].sort(),
    );
    for (const o of meters.opened) await expect(o.pair.client.read(0)).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(engine.status().devices.map((d) => d.state)).toEqual(['ok', 'ok']);
  });

  it('joins a second read of the same device instead of reading (and storing) it twice', async () => {
    const committed: Reading[] = [];
    const { clock, meters, engine } = setup(
      [iecDevice('m1'), iecDevice('m2')],
      [iecSignal('m1', 'a'), iecSignal('m2', 'b'), iecSignal('m2', 'c')],
      { readMs: 500 },
      { commit: async (r) => void committed.push(...r) },
    );
    const [first, second, justM2] = await clock.run(() =>
      // Three requests in the same turn: two clicks on "Read now" and one on a single device.
      Promise.all([engine.readOnce(), engine.readOnce(), engine.readOnce({ device_alias: 'm2' })]),
    );
    expect(meters.of('m1', 'read')).toHaveLength(1);
    expect(meters.of('m2', 'read')).toHaveLength(1);
    expect(meters.opened).toHaveLength(2);
    expect(committed).toHaveLength(3);
    expect(second).toEqual(first);
    expect(justM2).toEqual(first.filter((r) => r.device_alias === 'm2'));
    // Once it has ended, the next request reads the meter again.
    await clock.run(() => engine.readOnce());
    expect(meters.of('m1', 'read')).toHaveLength(2);
    expect(committed).toHaveLength(6);
  });

  it('filters by device and returns bad readings when the meter does not answer', async () => {
    const dev = iecDevice('m2', { retry_counter: 2 });
    const { clock, meters, engine, events } = setup([iecDevice('m1'), dev], [iecSignal('m1', 'a'), iecSignal('m2', 'b')], {
      outcome: (_n, alias) => (alias === 'm2' ? 'NO_ANSWER' : 'ok'),
    });
    const readings = await clock.run(() => engine.readOnce({ device_alias: 'm2' }));
    expect(readings).toMatchObject([{ device_alias: 'm2', signal_alias: 'b', quality: 'bad', error: 'NO_ANSWER', value: null }]);
    expect(meters.of('m2', 'read')).toHaveLength(2);
    expect(meters.calls.some((c) => c.device_alias === 'm1')).toBe(false);
    expect(events.logEvents('error')).toHaveLength(1);
    await expect(clock.run(() => engine.readOnce({ device_alias: 'nope' }))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('while polling, reads now through the running session instead of waiting for the scan', async () => {
    const { clock, meters, engine } = setup([iecDevice('m1', { scan_rate_ms: 10_000 })], [iecSignal('m1', 'a')], { readMs: 300 });
    let got: Reading[] = [];
    await clock.run(async () => {
      engine.start();
      await clock.sleep(4000);
      got = await engine.readOnce();
      expect(clock.now()).toBe(4300);
      await clock.sleep(10_000);
      await engine.stop();
    });
    expect(got).toMatchObject([{ signal_alias: 'a', value: 2, quality: 'good' }]);
    expect(starts(meters.of('m1', 'read'))).toEqual([0, 4000, 14_000]);
    expect(meters.of('m1', 'connect')).toHaveLength(1);
  });
});

describe('Engine.stop', () => {
  it('aborts an in-flight read promptly and closes the link', async () => {
    const { clock, meters, engine } = setup([iecDevice('m1', { timeout_ms: 60_000 })], [iecSignal('m1', 'a')], { readMs: 60_000 });
    let stoppedAt = -1;
    await clock.run(async () => {
      engine.start();
      await clock.sleep(1000);
      await engine.stop();
      stoppedAt = clock.now();
    });
    expect(stoppedAt).toBe(1000);
    expect(meters.of('m1', 'read')[0]).toMatchObject({ end: 1000, outcome: 'CANCELLED' });
    // An aborted session's state is unknown: no disconnect is attempted on it.
    expect(meters.of('m1', 'disconnect')).toHaveLength(0);
    await expect(meters.lastPair().client.read(0)).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(engine.status()).toMatchObject({ polling: false, busy: false, devices: [{ state: 'stopped' }] });
  });

  it('is prompt for a kept session whose driver reads through the context it got at connect', async () => {
    const { clock, meters, engine } = setup([iecDevice('m1')], [iecSignal('m1', 'a')], { readMs: 5000, captureContext: true });
    let stoppedAt = -1;
    await clock.run(async () => {
      engine.start();
      await clock.sleep(12_000);
      await engine.stop();
      stoppedAt = clock.now();
    });
    expect(stoppedAt).toBe(12_000);
    expect(meters.of('m1', 'connect').map((c) => c.start)).toEqual([0]);
    expect(meters.of('m1', 'read').map((c) => [c.start, c.end, c.outcome])).toEqual([
      [0, 5000, 'ok'],
      [10_000, 12_000, 'CANCELLED'],
    ]);
  });

  it('keeps one driver instance across sessions (what it learned survives a retry)', async () => {
    const { clock, meters, engine } = setup([iecDevice('m1', { retry_counter: 2 })], [iecSignal('m1', 'a')], {
      readMs: 1000,
      captureContext: true,
      outcome: (n) => (n === 2 ? 'TIMEOUT' : 'ok'),
    });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(15_000);
      await engine.stop();
    });
    expect(meters.of('m1', 'read').map((c) => [c.start, c.outcome])).toEqual([
      [0, 'ok'],
      [10_000, 'TIMEOUT'],
      [11_000, 'ok'],
    ]);
    // The failed session is dropped without a disconnect; the retry connects afresh.
    expect(meters.of('m1', 'connect').map((c) => c.start)).toEqual([0, 11_000]);
    expect(meters.of('m1', 'disconnect').map((c) => c.start)).toEqual([15_000]);
    expect(meters.drivers.m1).toBe(1);
  });

  it('disconnects a session kept between polls, and a stopped engine can start again', async () => {
    const { clock, meters, engine } = setup([iecDevice('m1')], [iecSignal('m1', 'a')]);
    await clock.run(async () => {
      engine.start();
      await clock.sleep(5000);
      await engine.stop();
      expect(meters.of('m1', 'disconnect')).toHaveLength(1);
      engine.start();
      await clock.sleep(1000);
      await engine.stop();
    });
    expect(starts(meters.of('m1', 'read'))).toEqual([0, 5000]);
    expect(meters.opened).toHaveLength(2);
  });

  it('rejects a readOnce in flight with CANCELLED', async () => {
    const { clock, engine } = setup([iecDevice('m1')], [iecSignal('m1', 'a')], { readMs: 10_000 });
    await clock.run(async () => {
      const once = engine.readOnce();
      await clock.sleep(500);
      await engine.stop();
      await expect(once).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(clock.now()).toBe(500);
    });
  });
});

describe('Engine commit and event log', () => {
  it('commits readings before emitting them', async () => {
    const order: string[] = [];
    const clock0 = { t: 0 };
    const { clock, engine } = setup([iecDevice('m1')], [iecSignal('m1', 'a')], {}, {
      commit: async (readings) => {
        order.push(`commit-start ${readings.length}`);
        await clock.sleep(250);
        order.push('commit-done');
      },
      onEvent: (e) => {
        if (e.type === 'value' || e.type === 'readings') order.push(e.type);
      },
    });
    void clock0;
    await clock.run(() => engine.readOnce());
    expect(order).toEqual(['commit-start 1', 'commit-done', 'value', 'readings']);
  });

  it('a failing store still emits the readings, with a storage event saying they were not saved', async () => {
    const { clock, engine, events } = setup([iecDevice('m1')], [iecSignal('m1', 'a'), iecSignal('m1', 'b')], {}, {
      commit: async () => {
        throw new MeterError('STORAGE_FULL');
      },
    });
    const readings = await clock.run(() => engine.readOnce());
    expect(readings).toHaveLength(2);
    const storage = events.ofType('storage');
    expect(storage).toHaveLength(1);
    expect(storage[0]).toMatchObject({ device_alias: 'm1', error: 'STORAGE_FULL', events: [] });
    expect(storage[0].readings.map((r) => r.signal_alias)).toEqual(['a', 'b']);
    expect(events.ofType('value')).toHaveLength(2);
    expect(events.ofType('readings')[0].storageError).toBe('STORAGE_FULL');
    // A quota error from the browser is recognised too.
    const quota = setup([iecDevice('m1')], [iecSignal('m1', 'a')], {}, {
      commit: async () => {
        throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
      },
    });
    await quota.clock.run(() => quota.engine.readOnce());
    expect(quota.events.ofType('storage')[0].error).toBe('STORAGE_FULL');
  });

  it('log signals write value changes to the event log (committed first)', async () => {
    const committed: EngineLogEvent[] = [];
    const values = [10, 10, 12, 12, 15];
    const { clock, engine, events } = setup(
      [iecDevice('m1', { scan_rate_ms: 1000 })],
      [iecSignal('m1', 'logged', { log: 1 }), iecSignal('m1', 'quiet')],
      { value: (_s, n) => values[n - 1] ?? 99 },
      { commitEvents: async (e) => void committed.push(...e) },
    );
    await clock.run(async () => {
      engine.start();
      await clock.sleep(4500);
      await engine.stop();
    });
    const changes = events.logEvents('value-change');
    expect(changes.map((c) => [c.signal_alias, c.message])).toEqual([
      ['logged', 'logged changed from 10 to 12 kWh'],
      ['logged', 'logged changed from 12 to 15 kWh'],
    ]);
    expect(committed.filter((c) => c.kind === 'value-change').map((c) => c.message)).toEqual(changes.map((c) => c.message));
  });

  it('link-lost and reconnected go to the event log; listener errors do not stop the engine', async () => {
    const committed: EngineLogEvent[] = [];
    const { clock, engine, meters } = setup(
      [iecDevice('m1', { retry_counter: 1 })],
      [iecSignal('m1', 'a')],
      { outcome: (n) => (n === 1 ? 'TIMEOUT' : 'ok') },
      {
        commitEvents: async (e) => void committed.push(...e),
        onEvent: () => {
          throw new Error('listener bug');
        },
      },
    );
    await clock.run(async () => {
      engine.start();
      await clock.sleep(3000);
      await engine.stop();
    });
    expect(committed.map((c) => c.kind)).toEqual(['link-lost', 'reconnected']);
    expect(meters.of('m1', 'read').length).toBe(2);
  });
});
