/**
 * The object browser's and the Profiles page's data, read from the built-in demo meter under virtual
 * time: every attribute decoded by its class, and a load profile with a power outage in it.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/virtual-clock';
import { validateConfig } from '../config';
import { demoConfig } from '../sim/demo';
import { EngineHost } from './engine-host';
import { protocolBackend } from './protocol-backend';
import { openWorkerLink } from './worker-links';
import { readAttribute, readProfile } from './operations';
import { resultToTable } from '../ui/pages/profiles-model';
import { profileChart } from '../ui/pages/profiles-chart';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

async function demo() {
  const clock = new VirtualClock(NOW);
  const host = new EngineHost({ validate: validateConfig, clock, backend: protocolBackend({ openLink: openWorkerLink, commit: async () => undefined }) });
  await host.loadConfig(demoConfig());
  const read = (classId: number, obis: string, attribute: number) => clock.run(() => readAttribute(host.engine(), 'demo_dlms', { classId, obis, attribute }));
  return { clock, host, read };
}

describe('object browser values decoded by class (demo meter, virtual time)', () => {
  it('shows the clock as ISO 8601 with the meter deviation and status, never raw A-XDR', async () => {
    const { read } = await demo();
    const time = await read(8, '0.0.1.0.0.255', 2);
    expect(time.view).toMatchObject({ kind: 'date-time', label: 'time' });
    // 12:00 UTC in the demo meter's CET.
    expect(time.value).toMatch(/^2026-11-25T13:00:\d\d(\.\d\d)?\+01:00$/);
    expect(time.view!.text).toMatch(/\+01:00 \(deviation -60 min, status ok\)$/);
    expect(time.view!.raw).toMatch(/^07EA0B19/);
    expect((await read(8, '0.0.1.0.0.255', 9)).view!.text).toBe('internal crystal (1)');
  });

  it("shows a profile's capture objects as OBIS names with attributes, scaler_unit as 10^-2 Hz, values with decimals", async () => {
    const { read } = await demo();
    const co = await read(7, '1.0.99.1.0.255', 3);
    expect(co.view!.kind).toBe('list');
    expect(co.view!.children!.map((c) => c.value)).toEqual(['0.0.1.0.0.255:2', '0.0.96.10.1.255:2', '1.0.1.8.0.255:2', '1.0.2.8.0.255:2']);
    expect(co.view!.children![2]!.text).toMatch(/^1\.0\.1\.8\.0\.255 .*· value \(attribute 2\) · Register$/);
    expect((await read(3, '1.0.14.7.0.255', 3)).view!.text).toBe('10^-2 Hz');
    const f = await read(3, '1.0.14.7.0.255', 2);
    expect(f.view).toMatchObject({ kind: 'number', unit: 'Hz', decimals: 2 });
    expect(f.view!.text).toMatch(/^\d\d\.\d\d Hz$/);
    expect((await read(4, '1.0.1.6.0.255', 5)).view!.value).toMatch(/\+01:00$/);
  });
});

describe('a load profile with a power outage (demo meter option)', () => {
  it('misses the intervals without power, flags power down after them, and charts energy per interval with a gap', async () => {
    const { clock, host } = await demo();
    const from = NOW - 3 * 24 * 3600_000;
    const lp = await clock.run(() => readProfile(host.engine(), 'demo_dlms', { from, to: NOW }));
    const rows = lp.rows.length;
    // 3 days of 15-minute intervals (+1 for both ends inclusive) minus the 5 lost in the outage.
    expect(rows).toBe(3 * 96 + 1 - 5);
    const table = resultToTable({ ...lp, storedId: 1 }, NOW);
    const chart = profileChart(table, 'energy');
    expect(chart.periodS).toBe(900);
    expect(chart.missing).toBe(5);
    expect(chart.flagged).toHaveLength(1);
    expect(chart.flagged[0]!.flags).toEqual(['power down']);
    const energy = chart.series[0]!;
    expect(energy).toMatchObject({ unit: 'Wh', bars: true });
    const nums = energy.values.filter((v): v is number => v !== null);
    // Energy per 15 min of a ~2.4 kW peak load: hundreds of Wh, not the 123 MWh register.
    expect(Math.max(...nums)).toBeLessThan(1000);
    expect(Math.min(...nums)).toBeGreaterThan(0);
    expect(energy.values.filter((v) => v === null).length).toBe(1 + 5 + 1);
  });
});
