import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/virtual-clock';
import { validateConfig } from '../config';
import { demoConfig } from '../sim/demo';
import { EngineHost } from './engine-host';
import { protocolBackend } from './protocol-backend';
import { openWorkerLink } from './worker-links';
import { readAttribute, readObjectList, readProfile } from './operations';
import type { EngineEvent } from './engine-api';
import type { Reading } from '../core/reading';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

function demoHost() {
  const clock = new VirtualClock(NOW);
  const committed: Reading[][] = [];
  const host = new EngineHost({
    validate: validateConfig,
    clock,
    backend: protocolBackend({ openLink: openWorkerLink, commit: async (r) => void committed.push(r) }),
  });
  const events: EngineEvent[] = [];
  host.subscribe((e) => void events.push(e));
  return { clock, host, events, committed };
}

describe('the worker engine on the built-in demo meters (virtual time)', () => {
  it('reads every demo signal, commits before showing, and reports progress states', async () => {
    const { clock, host, events, committed } = demoHost();
    const loaded = await host.loadConfig(demoConfig());
    expect(loaded.ok).toBe(true);
    const readings = await clock.run(() => host.readOnce());
    const bad = readings.filter((r) => r.quality !== 'good');
    expect(bad).toEqual([]);
    expect(readings.length).toBe((demoConfig() as { signals: unknown[] }).signals.length);
    const voltage = readings.find((r) => r.device_alias === 'demo_dlms' && r.signal_alias === '1_0_32_7_0')!;
    expect(voltage.unit).toBe('V');
    // DEMO-P1 (DSMR 2.2): the gas value from the line after the profile header, stamped with its own time
    // (19:00 in Amsterdam), never the time stamp taken as the value.
    const gas = readings.find((r) => r.device_alias === 'demo_p1' && r.signal_alias === 'gas')!;
    expect(gas).toMatchObject({ value: 1.001, unit: 'm3', quality: 'good', ts: Date.UTC(2016, 10, 7, 18) });
    expect(committed.flat().length).toBe(readings.length);
    const firstValue = events.findIndex((e) => e.type === 'value');
    expect(firstValue).toBeGreaterThan(-1);
    expect(events.some((e) => e.type === 'status' && e.state === 'reading')).toBe(true);
  });

  it('browses the DLMS object list, reads one attribute, and reads profiles from both protocols', async () => {
    const { clock, host } = demoHost();
    await host.loadConfig(demoConfig());
    const objects = await clock.run(() => readObjectList(host.engine(), 'demo_dlms'));
    const energy = objects.find((o) => o.obis === '1.0.1.8.0.255')!;
    expect(energy.className).toMatch(/Register/);
    expect(energy.description).toMatch(/energy/i);
    expect(energy.attributes.map((a) => a.id)).toContain(3);
    const v = await clock.run(() => readAttribute(host.engine(), 'demo_dlms', { classId: 3, obis: '1.0.32.7.0.255', attribute: 2 }));
    expect(v.unit).toBe('V');
    const dayAgo = NOW - 24 * 3600_000;
    const lp = await clock.run(() => readProfile(host.engine(), 'demo_dlms', { from: dayAgo, to: NOW }));
    expect(lp.rows.length).toBeGreaterThanOrEqual(95);
    expect(lp.columns[0].name).toBe('Time');
    // Each column's address is the captured object's OBIS, never the profile's own (1.0.99.1.0.255).
    expect(lp.columns.map((c) => c.address)).toContain('1.0.1.8.0.255');
    expect(lp.columns.map((c) => c.address)).not.toContain('1.0.99.1.0.255');
    const iec = await clock.run(() => readProfile(host.engine(), 'demo_iec', { address: 'P.01', from: dayAgo, to: NOW }));
    expect(iec.rows.length).toBeGreaterThan(10);
    expect(iec.columns[0]).toEqual({ name: '1.5.0', unit: 'kW', address: '1.5.0' });
    await expect(clock.run(() => readObjectList(host.engine(), 'demo_iec'))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
