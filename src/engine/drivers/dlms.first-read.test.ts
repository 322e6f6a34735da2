/**
 * The DLMS driver's first read of a meter (issue 16): the values, their scalers and the identity check
 * (the logical device name) all ride in one GET-with-list; knowledge restored
 * for another meter (same port and address, another name) is never applied to this one's values.
 * Virtual time, simulated meter reacting in 100 ms.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_9600_8N1 } from '../../core/link';
import { validateConfig } from '../../config';
import type { DlmsDeviceConfig } from '../../config/types';
import { DlmsDriver, dlmsProfileFromConfig } from './dlms';
import type { DriverContext, DriverSignal } from '../driver';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { serverAddress } from '../../protocols/hdlc/address';
import { MemoryKnowledgeStore, MeterKnowledge } from '../../protocols/dlms-client/knowledge';
import type { Reading } from '../../core/reading';
import { parseObis } from '../../protocols/cosem/obis';

const ADDRESS = serverAddress({ logical: 1, physical: 17, size: 2 });
const DEVICE = { name: 'm', device_alias: 'm', protocol: 'DLMS', device: 'PORT1', mode: 'DLMS-HDLC', type: 'LN', auth: 'None', client_address: 16, physical_address: 17, logical_address: 1, address_size: 2 };
const CODES = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.32.7.0.255', '1.0.31.7.0.255', '1.0.1.6.0.255', '1.0.1.4.0.255', '0.0.96.1.0.255'];

function setup(): { device: DlmsDeviceConfig; signals: DriverSignal[] } {
  const checked = validateConfig({ devices: [DEVICE], signals: CODES.map((o, i) => ({ signal_name: `s${i}`, device_alias: 'm', signal_alias: `s${i}`, obis_job: o })) });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return {
    device: checked.config.devices[0] as DlmsDeviceConfig,
    signals: checked.config.signals.map((s) => ({ signal_alias: s.signal_alias, device_alias: s.device_alias, address: String((s as unknown as Record<string, unknown>).obis_job), config: s as unknown as Record<string, unknown> })),
  };
}

async function firstRead(store: MemoryKnowledgeStore): Promise<{ readings: Reading[]; logs: string[]; requests: number }> {
  const { device, signals } = setup();
  const driver = new DlmsDriver(dlmsProfileFromConfig(device), 'm', undefined, store);
  const clock = new VirtualClock(Date.UTC(2026, 0, 20, 10, 30));
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', reactionMs: 100 });
  const ac = new AbortController();
  meter.serveHdlc(pair.meter, { address: ADDRESS }, ac.signal).done.catch(() => undefined);
  const logs: string[] = [];
  const ctx: DriverContext = { link: pair.client, clock, signal: ac.signal, log: (_l, m) => logs.push(m) };
  const readings = await clock.run(async () => {
    await driver.connect(ctx);
    const r = await driver.read(signals, ctx);
    await driver.disconnect();
    return r;
  });
  ac.abort();
  return { readings, logs, requests: meter.counters.requests };
}

describe('DLMS driver: the first read of a meter (issue 16)', () => {
  it('values, scalers and the identity check in one request', async () => {
    const store = new MemoryKnowledgeStore();
    const { readings, logs, requests } = await firstRead(store);
    expect(readings.map((r) => r.quality)).toEqual(CODES.map(() => 'good'));
    expect(readings[2].unit).toBe('V');
    expect(logs.find((m) => m.includes('read 7 values'))).toMatch(/read 7 values: 1 round trip,/);
    // The AARQ and one GET-with-list: no identity GET, no class discovery.
    expect(requests).toBe(2);
    const saved = JSON.parse([...store.data.values()][0]) as { identity?: string; classes: Record<string, number> };
    expect(saved.identity).toBeDefined();
    expect(saved.classes['1.0.1.4.0.255']).toBe(5);
  });

  it('knowledge learnt from another meter on the same address is dropped before any value is shown', async () => {
    const { device } = setup();
    const store = new MemoryKnowledgeStore();
    const stale = new MeterKnowledge();
    stale.identity = 'another meter';
    // The other meter's energy register counted in MWh: applied here it would be a wrong value.
    stale.classes.set('1.0.1.8.0.255', 3);
    stale.scalers.set('1.0.1.8.0.255:3', { scaler: 6, unit: 30 });
    await store.save(dlmsProfileFromConfig(device).meterKey, stale.serialise());
    const fresh = await firstRead(new MemoryKnowledgeStore());
    const { readings, logs } = await firstRead(store);
    expect(readings.map((r) => [r.value, r.unit])).toEqual(fresh.readings.map((r) => [r.value, r.unit]));
    expect(logs.some((m) => m.includes('logical device name changed'))).toBe(true);
    const saved = JSON.parse([...store.data.values()][0]) as { identity?: string; scalers: Record<string, { scaler: number }> };
    expect(saved.identity).not.toBe('another meter');
    expect(saved.scalers['1.0.1.8.0.255:3'].scaler).not.toBe(6);
  });

  it('profile and object-list operations write their strategy line too (trace level 3)', async () => {
    const { device } = setup();
    const driver = new DlmsDriver(dlmsProfileFromConfig(device), 'm');
    const now = Date.UTC(2026, 0, 20, 10, 30);
    const clock = new VirtualClock(now);
    const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', reactionMs: 100 });
    const ac = new AbortController();
    meter.serveHdlc(pair.meter, { address: ADDRESS }, ac.signal).done.catch(() => undefined);
    const logs: [number, string][] = [];
    const ctx: DriverContext = { link: pair.client, clock, signal: ac.signal, log: (l, m) => logs.push([l, m]) };
    await clock.run(async () => {
      await driver.connect(ctx);
      const p = await driver.activeSession!.readProfile(parseObis('1.0.99.1.0.255').obis, { from: now - 86_400_000, to: now });
      expect(p.rows.length).toBeGreaterThan(90);
      await driver.activeSession!.readObjectList();
      await driver.disconnect();
    });
    ac.abort();
    const lines = logs.filter(([l]) => l === 3).map(([, m]) => m);
    expect(lines.find((m) => m.startsWith('m: read profile 1.0.99.1.0.255:'))).toMatch(/: \d+ round trips, \d+ turnarounds, \d+ bytes, [\d.]+ s on the line \(bytes [\d.]+ s, waiting [\d.]+ s\), HDLC \d+ B \/ window \d+$/);
    expect(lines.find((m) => m.startsWith('m: read the object list:'))).toMatch(/round trips?, \d+ turnarounds?, \d+ bytes/);
  });
});
