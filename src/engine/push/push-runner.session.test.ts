/**
 * The push runner under virtual time against the simulated pushing meter (src/sim/push) over a memory
 * wire at 2400 8E1: readings committed in push order, missing pushes and bad frames counted, a wrong
 * key stores nothing and says so, a replay across a restart is refused, a lost port is reopened.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/validate';
import type { MeterConfig } from '../../config/types';
import { createSerialPair, type SerialPair } from '../../core/memory-link';
import type { Reading } from '../../core/reading';
import { VirtualClock } from '../../core/virtual-clock';
import type { InvocationCounterStore } from '../../protocols/dlms-client/invocation-counter';
import { startPushMeter, type SimPushMeter, type SimPushMeterOptions } from '../../sim/push/push-meter';
import { Engine } from '../engine';
import { EventLog } from '../test-kit';
import type { EngineLogEvent } from '../types';

const EK = '000102030405060708090a0b0c0d0e0f';
const AK = 'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf';
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
// Kamstrup lists name their objects on channel 1 (1-1:1.7.0), Kaifa's on channel 0 (1-0:1.7.0).
const KAMSTRUP_SIGNALS = [
  { signal_name: 'P+', device_alias: 'han', signal_alias: 'p_import', obis_job: '1-1:1.7.0' },
  { signal_name: 'U1', device_alias: 'han', signal_alias: 'u1', obis_job: '1-1:32.7.0' },
];
const KAIFA_SIGNALS = [
  { signal_name: 'P+', device_alias: 'han', signal_alias: 'p_import', obis_job: '1-0:1.7.0' },
  { signal_name: 'U1', device_alias: 'han', signal_alias: 'u1', obis_job: '1-0:32.7.0' },
];
const HAN_LINE = { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 } as const;

function config(device: Record<string, unknown> = {}, signals?: Record<string, unknown>[]): MeterConfig {
  const r = validateConfig({
    devices: [
      {
        name: 'HAN',
        device_alias: 'han',
        protocol: 'DLMS',
        mode: 'PUSH',
        device: 'HAN1',
        baudrate: 2400,
        databits: 8,
        parity: 'even',
        stopbits: 1,
        reconnect_time: 1000,
        ...device,
      },
    ],
    signals: signals ?? KAMSTRUP_SIGNALS,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

class MemoryCounters implements InvocationCounterStore {
  readonly map = new Map<string, number>();
  async get(meter: string, client: number) {
    return this.map.get(`${meter}|${client}`);
  }
  /** Takes any value: the replay must be refused by the runner handing the counter to the listener. */
  async set(meter: string, client: number, value: number) {
    this.map.set(`${meter}|${client}`, value);
  }
}

interface Rig {
  clock: VirtualClock;
  engine: Engine;
  events: EventLog;
  committed: Reading[][];
  logged: EngineLogEvent[];
  meters: SimPushMeter[];
  pairs: SerialPair[];
}

function rig(cfg: MeterConfig, sim: Omit<SimPushMeterOptions, 'linkLayer'> & { linkLayer?: SimPushMeterOptions['linkLayer'] }, opts: { counters?: InvocationCounterStore; clock?: VirtualClock } = {}): Rig {
  const clock = opts.clock ?? new VirtualClock();
  const events = new EventLog(clock);
  const committed: Reading[][] = [];
  const logged: EngineLogEvent[] = [];
  const meters: SimPushMeter[] = [];
  const pairs: SerialPair[] = [];
  const engine = new Engine({
    config: cfg,
    clock,
    openLink: async () => {
      const pair = createSerialPair(clock, { line: HAN_LINE });
      pairs.push(pair);
      meters.push(startPushMeter(clock, pair.meter, { linkLayer: 'hdlc', ...sim }));
      return pair.client;
    },
    createDriver: () => {
      throw new Error('a PUSH device must not get a polling driver');
    },
    commit: async (readings) => {
      // Recorded as the store sees them: before any 'value' event may be emitted.
      expect(events.ofType('value').filter((v) => readings.includes(v.reading))).toHaveLength(0);
      committed.push(readings);
    },
    commitEvents: async (es) => {
      logged.push(...es);
    },
    onEvent: events.onEvent,
    ...(opts.counters ? { pushCounterStore: opts.counters } : {}),
  });
  return { clock, engine, events, committed, logged, meters, pairs };
}

async function listen(r: Rig, ms: number, during?: () => Promise<void>): Promise<void> {
  await r.clock.run(async () => {
    r.engine.start();
    if (during) await during();
    await r.clock.sleep(ms);
    await r.engine.stop();
  });
  for (const m of r.meters) m.stop();
}

describe('PushRunner (virtual time, simulated HAN meter)', () => {
  it('commits every push as readings in order, at the push time, and says it is listening', async () => {
    const r = rig(config(), { profile: 'kamstrup-list1', intervalMs: 2000 });
    // A Kamstrup list takes ~0.8 s on the line at 2400 baud: the push sent at 20 s is in by 21 s.
    await listen(r, 21_000);
    const sent = r.meters[0].log.filter((p) => p.fate === 'sent');
    expect(sent.length).toBeGreaterThanOrEqual(9);
    expect(r.committed).toHaveLength(sent.length);
    for (const [i, batch] of r.committed.entries()) {
      expect(batch.map((x) => x.signal_alias)).toEqual(['p_import', 'u1']);
      expect(batch[0]).toMatchObject({ quality: 'good', value: sent[i].values.get('1.1.1.7.0.255'), address: '1.1.1.7.0.255:2' });
    }
    const ts = r.committed.map((b) => b[0].ts);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    const stats = r.events.ofType('push').at(-1)!.stats;
    expect(stats).toMatchObject({ pushes: sent.length, missing: 0, intervalMs: 2000 });
    expect(r.engine.status().devices[0].state).toBe('stopped');
  });

  it('with push_all_values names every value by OBIS and needs no signal', async () => {
    const r = rig(config({ push_all_values: 1 }, []), { profile: 'obis-triples', intervalMs: 1000, linkLayer: 'mbus' });
    await listen(r, 3_500);
    expect(r.committed.length).toBeGreaterThanOrEqual(2);
    const names = r.committed[0].map((x) => x.signal_alias);
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names.every((n) => /^\d+\.\d+\.\d+\.\d+\.\d+\.\d+$/.test(n))).toBe(true);
  });

  it('counts missing pushes (3 intervals of silence) and logs the silence once', async () => {
    const r = rig(config({ push_interval_ms: 2000 }), { profile: 'kamstrup-list1', intervalMs: 2000 });
    await r.clock.run(async () => {
      r.engine.start();
      await r.clock.sleep(10_500);
      r.meters[0].stop();
      await r.clock.sleep(20_000);
      await r.engine.stop();
    });
    const stats = r.events.ofType('push').at(-1)!.stats;
    // Last push at ~10 s: silence counted at +6, +12, +18 s.
    expect(stats.missing).toBe(3);
    expect(r.logged.filter((e) => e.kind === 'error' && /no push/.test(e.message))).toHaveLength(1);
  });

  it('counts corrupted and replayed frames by reason and stores only the good pushes', async () => {
    const r = rig(config({ block_cipher_key: EK, authentication_key: AK }, KAIFA_SIGNALS), {
      profile: 'kaifa-list2',
      intervalMs: 1000,
      blockCipherKey: hex(EK),
      authenticationKey: hex(AK),
      quirks: { corruptEvery: 4, replayEvery: 5 },
    });
    // The meter falls silent at 30.5 s; the last frame on the line is still listened to the end.
    await listen(r, 3_000, async () => {
      await r.clock.sleep(30_500);
      r.meters[0].stop();
    });
    const log = r.meters[0].log;
    // What a strict receiver must make of it: a corrupted frame is refused by its check; a frame whose
    // counter was already accepted is a replay; a replay of a frame that only ever arrived corrupted is new.
    const accepted = new Set<number>();
    let pushes = 0;
    let replays = 0;
    for (const p of log) {
      if (p.fate === 'corrupt' || p.fate === 'skipped') continue;
      if (accepted.has(p.invocationCounter!)) replays++;
      else {
        accepted.add(p.invocationCounter!);
        pushes++;
      }
    }
    const stats = r.events.ofType('push').at(-1)!.stats;
    expect(replays).toBeGreaterThanOrEqual(2);
    expect(stats.pushes).toBe(pushes);
    expect(stats.bad.counter).toBe(replays);
    expect(stats.bad.crc + stats.bad.gcm + stats.bad.frame).toBe(log.filter((p) => p.fate === 'corrupt').length);
    expect(r.committed).toHaveLength(stats.pushes);
  });

  it('with a wrong key stores nothing and writes one clear error event', async () => {
    const wrong = 'ff'.repeat(16);
    const r = rig(config({ block_cipher_key: wrong, authentication_key: AK }, KAIFA_SIGNALS), {
      profile: 'kaifa-list1',
      intervalMs: 2000,
      blockCipherKey: hex(EK),
      authenticationKey: hex(AK),
    });
    await listen(r, 10_500);
    expect(r.committed).toHaveLength(0);
    expect(r.events.ofType('value')).toHaveLength(0);
    const errors = r.logged.filter((e) => e.kind === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/gcm/i);
    expect(errors[0].message).not.toContain(wrong);
    expect(r.events.ofType('push').at(-1)!.stats.bad.gcm).toBeGreaterThanOrEqual(4);
  });

  it('keeps the last invocation counter across a restart, so a replay of an old push is refused', async () => {
    const counters = new MemoryCounters();
    const cfg = config({ block_cipher_key: EK, authentication_key: AK, system_title: '4b464d1020000001' }, KAIFA_SIGNALS);
    const sim = { profile: 'kaifa-list1' as const, intervalMs: 2000, blockCipherKey: hex(EK), authenticationKey: hex(AK), systemTitle: hex('4b464d1020000001') };
    const first = rig(cfg, sim, { counters });
    await listen(first, 6_500);
    expect(first.committed.length).toBeGreaterThanOrEqual(3);
    const last = counters.map.get('push:4b464d1020000001|0');
    expect(last).toBeGreaterThanOrEqual(3);
    // A second run whose meter starts its counter again from 1 (a recording played back): all refused.
    const second = rig(cfg, { ...sim, firstInvocationCounter: 1 }, { counters });
    await listen(second, 4_500);
    expect(second.committed).toHaveLength(0);
    expect(second.events.ofType('push').at(-1)!.stats.bad.counter).toBeGreaterThanOrEqual(2);
  });

  it('reopens the port when it is lost and goes on storing', async () => {
    const r = rig(config(), { profile: 'kamstrup-list1', intervalMs: 2000 });
    await r.clock.run(async () => {
      r.engine.start();
      await r.clock.sleep(5_000);
      r.pairs[0].unplug();
      r.meters[0].stop();
      await r.clock.sleep(10_000);
      await r.engine.stop();
    });
    for (const m of r.meters) m.stop();
    expect(r.pairs.length).toBe(2);
    expect(r.logged.map((e) => e.kind)).toEqual(expect.arrayContaining(['link-lost', 'reconnected']));
    const afterReopen = r.meters[1].log.filter((p) => p.fate === 'sent').length;
    expect(afterReopen).toBeGreaterThanOrEqual(3);
    expect(r.committed.length).toBe(r.meters[0].log.filter((p) => p.fate === 'sent').length + afterReopen);
  });

  it('on a damaged line (bytes lost, changed, doubled) never stores a value the meter did not push', async () => {
    // Segments carry no message number: the runner ends a half-received push on silence (the listener's
    // own soak test shows the wrong values a missing flush lets through); here the whole chain is checked.
    for (const [linkLayer, seed] of [['hdlc', 1], ['hdlc', 2], ['hdlc', 3], ['mbus', 1], ['mbus', 2], ['mbus', 3]] as const) {
      const r = rig(config({ push_all_values: 1 }, []), { profile: 'kamstrup-list1', intervalMs: 2000, segmentMaxBytes: 48, seed, linkLayer });
      await r.clock.run(async () => {
        r.engine.start();
        await r.clock.sleep(1);
        r.pairs[0].faults.setRandom({ drop: 0.001, corrupt: 0.001, duplicate: 0.001, seed });
        await r.clock.sleep(120_000);
        await r.engine.stop();
      });
      for (const m of r.meters) m.stop();
      const sent = r.meters[0].log.filter((p) => p.fate === 'sent');
      const key = (m: Iterable<[string, unknown]>) => JSON.stringify([...m].sort(([a], [b]) => a.localeCompare(b)));
      const pushed = new Set(sent.map((p) => key(p.values)));
      expect(r.committed.length).toBeGreaterThan(10);
      expect(r.committed.length).toBeLessThan(sent.length);
      for (const batch of r.committed) expect(pushed.has(key(batch.map((x) => [x.signal_alias, x.value] as [string, unknown])))).toBe(true);
    }
  });

  it('a single read (CLI --once) waits for one push, and a silent port gives NO_ANSWER readings', async () => {
    const r = rig(config(), { profile: 'kamstrup-list1', intervalMs: 2000 });
    const got = await r.clock.run(() => r.engine.readOnce());
    expect(got.map((x) => [x.signal_alias, x.quality])).toEqual([
      ['p_import', 'good'],
      ['u1', 'good'],
    ]);
    const silent = rig(config({ push_interval_ms: 1000 }), { profile: 'kamstrup-list1', intervalMs: 60_000, quirks: { skipEvery: 1 } });
    const none = await silent.clock.run(() => silent.engine.readOnce());
    expect(none.map((x) => x.error)).toEqual(['NO_ANSWER', 'NO_ANSWER']);
    for (const m of [...r.meters, ...silent.meters]) m.stop();
  });
});
