import { describe, expect, it } from 'vitest';
import { createDemoDlmsModel, energyWh, loadShape } from './model';

const DAY = 24 * 3600_000;
const epoch = Date.UTC(2026, 0, 1);

describe('simulated DLMS meter model', () => {
  it('load shape stays within 20..100 % and energy grows monotonically', () => {
    let last = -Infinity;
    for (let t = epoch - DAY; t < epoch + 3 * DAY; t += 900_000) {
      const s = loadShape(t);
      expect(s).toBeGreaterThanOrEqual(0.2);
      expect(s).toBeLessThanOrEqual(1.0);
      const e = energyWh(epoch, t);
      expect(e).toBeGreaterThan(last);
      last = e;
    }
    // About 0.6 × 2.4 kW × 24 h per day.
    expect(energyWh(epoch, epoch + DAY)).toBeGreaterThan(30_000);
    expect(energyWh(epoch, epoch + DAY)).toBeLessThan(40_000);
  });

  it('has registers with scalers, a clock, a load profile with one row per 15 minutes, an event log', () => {
    const m = createDemoDlmsModel({ epochMs: epoch });
    const now = epoch + 10 * 3600_000;
    const energy = m.find(3, '1.0.1.8.0.255')!;
    expect(m.read(energy, 2, now)).toMatchObject({ type: 'uint32' });
    expect(m.read(energy, 3, now)).toEqual({ type: 'structure', items: [{ type: 'int8', value: 1 }, { type: 'enum', value: 30 }] });
    expect(m.objects.filter((o) => o.classId === 3).length).toBeGreaterThanOrEqual(10);
    const lp = m.find(7, '1.0.99.1.0.255')!;
    const rows = lp.profile!.rows(epoch, epoch + DAY - 1, 10_000);
    expect(rows.length).toBe(96);
    expect(rows[1].ts - rows[0].ts).toBe(900_000);
    const entries = lp.profile!.entriesInUse(now);
    expect(lp.profile!.entry(now, entries)!.ts).toBeLessThanOrEqual(now);
    expect(lp.profile!.entry(now, entries + 1)).toBeUndefined();
    const log = m.find(7, '0.0.99.98.0.255')!;
    expect(log.profile!.rows(epoch - 60 * DAY, now, 1000).length).toBeGreaterThan(10);
  });

  it('resolves short names by the 8-byte attribute slot rule', () => {
    const m = createDemoDlmsModel();
    const energy = m.find(3, '1.0.1.8.0.255')!;
    const base = energy.baseName!;
    expect(m.resolveShortName(base + 8)).toEqual({ obj: energy, slot: 2 });
    expect(m.resolveShortName(base + 3)).toBeUndefined();
    const list = m.objectListSN();
    expect(list.type).toBe('array');
    expect(m.objectListLN().type).toBe('array');
  });
});
