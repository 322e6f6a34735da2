import { describe, expect, it } from 'vitest';
import { Logger, type TraceLine } from '../core/logger';
import { VirtualClock } from '../core/virtual-clock';
import { Engine } from './engine';
import { EventLog, FakeMeters, configOf, iecDevice, iecSignal, type Script } from './test-kit';
import type { DeviceConfig, SignalConfig } from '../config/types';

function setup(devices: DeviceConfig[], signals: SignalConfig[], script: Script = {}, logger?: Logger) {
  const clock = new VirtualClock();
  const meters = new FakeMeters(clock, script);
  const events = new EventLog(clock);
  const engine = new Engine({ config: configOf(devices, signals), clock, logger, openLink: meters.openLink, createDriver: meters.createDriver, onEvent: events.onEvent });
  return { clock, meters, events, engine };
}

describe('Engine on an RS-485 bus', () => {
  it('a dead meter on the bus does not close the link for the others', async () => {
    const a = iecDevice('a', { device: 'PORT1', scan_rate_ms: 5000, retry_counter: 2, reconnect_time: 1000 });
    const b = iecDevice('b', { device: 'PORT1', scan_rate_ms: 5000 });
    const { clock, meters, events, engine } = setup([a, b], [iecSignal('a', 's'), iecSignal('b', 's')], {
      readMs: 500,
      outcome: (_n, alias) => (alias === 'a' ? 'NO_ANSWER' : 'ok'),
    });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(20_000);
      await engine.stop();
    });
    expect(events.statuses('a').some((s) => s.state === 'link-lost')).toBe(true);
    expect(events.statuses('b').some((s) => s.state === 'link-lost' || s.state === 'retrying')).toBe(false);
    // b polls on schedule, only ever delayed by a's turns.
    const bStarts = meters.of('b', 'read').map((c) => c.start);
    expect(bStarts.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < bStarts.length; i++) expect(bStarts[i] - bStarts[i - 1]).toBeLessThanOrEqual(5000 + 1000);
    // One port, opened once: the dead meter's reconnects reuse the bus link.
    expect(meters.opened).toHaveLength(1);
  });

  it('unplugging the bus takes every device on it to link-lost, then both come back', async () => {
    const a = iecDevice('a', { device: 'PORT1', reconnect_time: 2000 });
    const b = iecDevice('b', { device: 'PORT1', reconnect_time: 2000 });
    const { clock, meters, events, engine } = setup([a, b], [iecSignal('a', 's'), iecSignal('b', 's')], { readMs: 300 });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(3000);
      meters.lastPair().unplug();
      await clock.sleep(5000);
      await engine.stop();
    });
    for (const alias of ['a', 'b']) {
      expect(events.statuses(alias).find((s) => s.state === 'link-lost')).toMatchObject({ t: 3000, error: 'PORT_LOST' });
    }
    expect(events.logEvents('reconnected').map((e) => e.device_alias).sort()).toEqual(['a', 'b']);
    // Reopened once, shared again.
    expect(meters.opened.map((o) => o.at)).toEqual([0, 5000]);
  });

  it('a port lost again during a reconnect attempt still waits reconnect_time before the next', async () => {
    const { clock, meters, events, engine } = setup([iecDevice('m1', { reconnect_time: 2000 })], [iecSignal('m1', 's')], { readMs: 300 });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(3000);
      meters.lastPair().unplug();
      await clock.sleep(2100);
      meters.lastPair().unplug();
      await clock.sleep(3000);
      await engine.stop();
    });
    expect(meters.opened.map((o) => o.at)).toEqual([0, 5000, 7100]);
    expect(events.statuses('m1').filter((s) => s.state === 'link-lost').map((s) => [s.t, s.attempt])).toEqual([
      [3000, undefined],
      [5100, 1],
    ]);
  });

  it('readOnce opens a shared port once for all its devices', async () => {
    const a = iecDevice('a', { device: 'PORT1' });
    const b = iecDevice('b', { device: 'PORT1' });
    const { clock, meters, engine } = setup([a, b], [iecSignal('a', 's'), iecSignal('b', 's')], { readMs: 1000 });
    const readings = await clock.run(() => engine.readOnce());
    expect(readings.map((r) => r.device_alias)).toEqual(['a', 'b']);
    expect(meters.opened).toHaveLength(1);
    const [ra, rb] = [meters.of('a', 'read')[0], meters.of('b', 'read')[0]];
    expect(rb.start).toBeGreaterThanOrEqual(meters.of('a', 'disconnect')[0].end ?? Infinity);
    expect(ra.end).toBe(1000);
    await expect(meters.lastPair().client.read(0)).rejects.toMatchObject({ code: 'PORT_LOST' });
  });
});

describe('Engine status, progress and trace', () => {
  it('walks connecting -> signing-on -> reading -> ok, with progress, traced with the port tag', async () => {
    const lines: TraceLine[] = [];
    const logger = new Logger(4, () => 0);
    logger.addSink((l) => lines.push(l));
    const dev = iecDevice('m1', { device: 'COM7' });
    const { clock, events, engine } = setup([dev], [iecSignal('m1', 'a')], { readMs: 100, connectMs: 50 }, logger);
    await clock.run(() => engine.readOnce());
    expect(events.statuses('m1').map((s) => s.state)).toEqual(['connecting', 'signing-on', 'reading', 'ok']);
    expect(events.ofType('progress')).toEqual([{ type: 'progress', device_alias: 'm1', done: 1, expected: 1 }]);
    expect(lines.filter((l) => l.level === 3).map((l) => l.port)).toEqual(['COM7', 'COM7', 'COM7', 'COM7']);
    expect(lines.find((l) => l.level === 4)?.message).toBe('m1.a [1.8.1] = 1 kWh');
    expect(engine.status().busy).toBe(false);
  });

  it('"Read now" while the link is lost tries at once and answers with bad readings if it fails', async () => {
    const dev = iecDevice('m1', { retry_counter: 1, reconnect_time: 60_000 });
    const { clock, meters, engine } = setup([dev], [iecSignal('m1', 'a')], { readMs: 100, outcome: (n) => (n <= 2 ? 'NO_ANSWER' : 'ok') });
    await clock.run(async () => {
      engine.start();
      await clock.sleep(1000);
      expect(engine.status().devices[0].state).toBe('link-lost');
      const first = await engine.readOnce();
      expect(first).toMatchObject([{ quality: 'bad', error: 'NO_ANSWER' }]);
      expect(clock.now()).toBe(1100);
      const second = await engine.readOnce();
      expect(second).toMatchObject([{ quality: 'good', value: 3 }]);
      expect(clock.now()).toBe(1200);
      expect(engine.status().devices[0].state).toBe('ok');
      await engine.stop();
    });
    expect(meters.of('m1', 'read').map((c) => c.start)).toEqual([0, 1000, 1100]);
  });
});
