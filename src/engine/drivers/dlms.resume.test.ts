/**
 * Issue 19 finding 4 through the whole read path (engine → DLMS driver → reader): a meter that drops the
 * connection on a list loses nothing already read. The link is re-established after reconnect_time
 * (counted against retry_counter), only what was not read is asked again (one by one), and what was
 * learnt is kept for the next session. Also the device note and class_id. Virtual time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_9600_8N1 } from '../../core/link';
import { validateConfig } from '../../config';
import { Engine } from '../engine';
import { createDriverFactory } from '.';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import type { SimListFaults } from '../../sim/dlms/list-faults';
import { serverAddress } from '../../protocols/hdlc/address';
import { MemoryKnowledgeStore, MeterKnowledge } from '../../protocols/dlms-client/knowledge';
import { dlmsProfileFromConfig } from './dlms';
import type { DlmsDeviceConfig } from '../../config/types';

const EPOCH = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 0, 20, 10, 30, 0);

function config(retry: number) {
  const signals = [
    ...['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.32.7.0.255', '1.0.31.7.0.255', '1.0.14.7.0.255'].map((o) => ({
      signal_name: o,
      device_alias: 'm',
      signal_alias: `r_${o.replace(/\./g, '_')}`,
      obis_job: o,
      class_id: 3,
    })),
    // Several attributes of the event log in one list: the request the meter drops the connection on.
    ...[3, 4, 7, 8].map((a) => ({ signal_name: `log ${a}`, device_alias: 'm', signal_alias: `log_${a}`, obis_job: `0.0.99.98.0.255:${a}`, class_id: 7 })),
    { signal_name: 'serial', device_alias: 'm', signal_alias: 'serial', obis_job: '0.0.96.1.0.255' },
  ];
  const checked = validateConfig({
    devices: [
      {
        name: 'meter',
        device_alias: 'm',
        protocol: 'DLMS',
        device: 'PORT1',
        baudrate: 9600,
        mode: 'DLMS-HDLC',
        type: 'LN',
        auth: 'None',
        client_address: 16,
        physical_address: 17,
        logical_address: 1,
        address_size: 2,
        retry_counter: retry,
        reconnect_time: 5000,
      },
    ],
    signals,
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.config;
}

function rig(retry: number, listFaults: SimListFaults, store = new MemoryKnowledgeStore()) {
  const clock = new VirtualClock(NOW);
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel({ epochMs: EPOCH, profileDays: 2 }), listFaults });
  const opens: number[] = [];
  const engine = new Engine({
    config: config(retry),
    clock,
    openLink: async () => {
      opens.push(clock.now());
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      meter.serveHdlc(pair.meter, { address: serverAddress({ logical: 1, physical: 17, size: 2 }) });
      return pair.client;
    },
    createDriver: createDriverFactory({ knowledgeStore: store }),
    onEvent: () => undefined,
  });
  return { clock, meter, engine, opens, store };
}

describe('DLMS driver: a dropped link loses nothing', () => {
  it('re-establishes after reconnect_time and reads only the rest; every value good', async () => {
    const { clock, meter, engine, opens, store } = rig(3, { resetFor: ['0.0.99.98.0.255'] });
    const readings = await clock.run(() => engine.readOnce());
    expect(readings.map((r) => [r.signal_alias, r.quality, r.error ?? null]).filter((r) => r[1] !== 'good')).toEqual([]);
    expect(readings).toHaveLength(10);
    expect(opens).toHaveLength(2);
    expect(opens[1] - opens[0]).toBeGreaterThanOrEqual(5000);
    expect(meter.counters.associations).toBe(2);
    const status = engine.status().devices[0];
    expect(status.note).toBe('This meter answers lists unreliably: reading one by one.');
    await clock.run(() => engine.stop());
    // The next session (a new engine, the persisted knowledge) reads one by one from the start: no drop.
    const next = rig(3, { resetFor: ['0.0.99.98.0.255'] }, store);
    const again = await next.clock.run(() => next.engine.readOnce());
    expect(again.every((r) => r.quality === 'good')).toBe(true);
    expect(next.opens).toHaveLength(1);
    await next.clock.run(() => next.engine.stop());
  });

  it('without retries left, what was read stays good and only the rest is PORT_LOST', async () => {
    // A meter known to take at most 5 items per list: the registers are read before the list it drops on
    // (on first contact everything rides in one list, so nothing would be read before the drop).
    const store = new MemoryKnowledgeStore();
    const known = new MeterKnowledge();
    known.lists = { mode: 'on', maxItems: 5 };
    await store.save(dlmsProfileFromConfig(config(1).devices[0] as DlmsDeviceConfig).meterKey, known.serialise());
    const { clock, engine, opens } = rig(1, { resetFor: ['0.0.99.98.0.255'] }, store);
    const readings = await clock.run(() => engine.readOnce());
    const good = readings.filter((r) => r.quality === 'good');
    expect(good.length).toBeGreaterThan(0);
    expect(readings.filter((r) => r.quality === 'bad').every((r) => r.error === 'PORT_LOST')).toBe(true);
    expect(readings.find((r) => r.signal_alias === 'log_3')?.quality).toBe('bad');
    expect(opens).toHaveLength(1);
    await clock.run(() => engine.stop());
  });

  it('a healthy meter: one association, no note', async () => {
    const { clock, engine, opens } = rig(3, {});
    const readings = await clock.run(() => engine.readOnce());
    expect(readings.every((r) => r.quality === 'good')).toBe(true);
    expect(opens).toHaveLength(1);
    expect(engine.status().devices[0].note).toBeUndefined();
    await clock.run(() => engine.stop());
  });
});
