import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadingValue } from '../../core/reading';
import { axisPrefix, chartColumns, defaultPicks, periodText, profileChart, profileStatusFlags, siText, statusText, unitScale } from './profiles-chart';
import type { ProfileTableData } from './profiles-model';

const T0 = Date.UTC(2026, 0, 19, 0, 0);
const Q = 900_000;

/** The demo meter's load profile shape: time, status, +A and -A cumulative (Wh), one row every 15 min. */
function lp(rows: [number, number, number, number][]): ProfileTableData {
  return {
    device_alias: 'demo_dlms',
    name: 'Load profile 1',
    readAt: 0,
    columns: [
      { name: 'Time', isTime: true },
      { name: 'Profile status', address: '0.0.96.10.1.255' },
      { name: 'Active energy import (+A)', unit: 'Wh', address: '1.0.1.8.0.255' },
      { name: 'Active energy export (-A)', unit: 'Wh', address: '1.0.2.8.0.255' },
    ],
    rows: rows.map((r) => [...r] as ReadingValue[]),
  };
}

describe('profile chart', () => {
  it('recognises cumulative registers, the status column and power columns', () => {
    const t = lp([[T0, 0, 123_000_000, 5], [T0 + Q, 0, 123_000_400, 5]]);
    expect(chartColumns(t).map((c) => [c.index, c.role])).toEqual([[1, 'status'], [2, 'cumulative'], [3, 'cumulative']]);
    const iec: ProfileTableData = { device_alias: 'i', name: 'LP', readAt: 0, columns: [{ name: 'Time', isTime: true }, { name: 'Active power (1.5.0)', unit: 'kW' }], rows: [[T0, 1.5]] };
    expect(chartColumns(iec)[0]!.role).toBe('power');
    expect(defaultPicks(chartColumns(t), 'energy')).toEqual([2, 3]);
  });

  it('shows energy per interval as bars: the difference of the cumulative register, not 123 MWh flat lines', () => {
    const t = lp([[T0, 0, 123_000_000, 5], [T0 + Q, 0, 123_000_400, 5], [T0 + 2 * Q, 0, 123_000_900, 6]]);
    const c = profileChart(t, 'energy');
    expect(c.periodS).toBe(900);
    expect(c.x).toEqual([T0 / 1000, (T0 + Q) / 1000, (T0 + 2 * Q) / 1000]);
    expect(c.series[0]).toMatchObject({ unit: 'Wh', bars: true, values: [null, 400, 500] });
    expect(c.series[1]!.values).toEqual([null, 0, 1]);
  });

  it('gives average demand: energy per interval over its length (400 Wh in 15 min = 1600 W)', () => {
    const t = lp([[T0, 0, 123_000_000, 5], [T0 + Q, 0, 123_000_400, 5]]);
    const c = profileChart(t, 'demand', [2]);
    expect(c.series).toHaveLength(1);
    expect(c.series[0]).toMatchObject({ unit: 'W', values: [null, 1600] });
    expect(c.series[0]!.bars).toBeUndefined();
  });

  it('keeps the registers themselves as an option, in base units for SI prefixes', () => {
    const kwh: ProfileTableData = { ...lp([]), columns: [{ name: 'Time', isTime: true }, { name: '+A', unit: 'kWh', address: '1.0.1.8.0.255' }], rows: [[T0, 1.5], [T0 + Q, 1.75]] };
    expect(profileChart(kwh, 'register').series[0]).toMatchObject({ unit: 'Wh', values: [1500, 1750] });
  });

  it('leaves gaps where intervals are missing, and no bar spanning the gap', () => {
    // Power lost 00:30..01:15: the rows at 00:30, 00:45 and 01:00 are missing.
    const t = lp([[T0, 0, 1000, 0], [T0 + Q, 0, 1100, 0], [T0 + 5 * Q, 0x80, 1150, 0], [T0 + 6 * Q, 0, 1300, 0]]);
    const c = profileChart(t, 'energy', [2]);
    expect(c.missing).toBe(3);
    expect(c.x).toHaveLength(7);
    expect(c.x[2]).toBe((T0 + 2 * Q) / 1000);
    expect(c.series[0]!.values).toEqual([null, 100, null, null, null, null, 150]);
    expect(c.flagged).toEqual([{ ts: T0 + 5 * Q, flags: ['power down'] }]);
  });

  it('shows no negative energy when a register goes down (reset, replacement): counted instead', () => {
    const c = profileChart(lp([[T0, 0, 1000, 0], [T0 + Q, 0, 10, 0], [T0 + 2 * Q, 0, 60, 0]]), 'energy', [2]);
    expect(c.series[0]!.values).toEqual([null, null, 50]);
    expect(c.decreases).toBe(1);
  });

  it('derives energy per interval from average power columns (IEC P.01 1.5.0 in kW)', () => {
    const iec: ProfileTableData = { device_alias: 'i', name: 'LP', readAt: 0, columns: [{ name: 'Time', isTime: true }, { name: 'Active power (1.5.0)', unit: 'kW' }], rows: [[T0, 2], [T0 + Q, 4]] };
    expect(profileChart(iec, 'energy').series[0]).toMatchObject({ unit: 'Wh', bars: true, values: [500, 1000] });
    expect(profileChart(iec, 'demand').series[0]).toMatchObject({ unit: 'W', values: [2000, 4000] });
  });

  it('decodes the profile status bits (common AMR profile status)', () => {
    expect(profileStatusFlags(0)).toEqual([]);
    expect(profileStatusFlags(0x80)).toEqual(['power down']);
    expect(profileStatusFlags(0x24)).toEqual(['clock adjusted', 'data not valid']);
    expect(profileStatusFlags(0x0f)).toEqual(['daylight saving', 'data not valid', 'clock invalid', 'critical error']);
    expect(statusText(0x80)).toBe('128 · power down');
    expect(statusText(0)).toBe('0 · ok');
    expect(statusText('x')).toBeUndefined();
  });

  it('prints axes with SI prefixes and units', () => {
    expect(siText(123_000_000, 'Wh')).toBe('123 MWh');
    expect(siText(1600, 'W')).toBe('1.6 kW');
    expect(siText(-2500, 'var')).toBe('-2.5 kvar');
    expect(siText(230.1, 'V')).toBe('230 V');
    expect(axisPrefix(123_456_789, 'Wh')).toEqual({ factor: 1e6, unit: 'MWh' });
    expect(axisPrefix(999, 'W')).toEqual({ factor: 1, unit: 'W' });
    expect(unitScale('kvarh')).toEqual({ base: 'varh', factor: 1000, energy: true });
    expect(unitScale('V')).toBeUndefined();
    expect(periodText(900)).toBe('15 min');
    expect(periodText(3600)).toBe('1 h');
  });

  it('for any rows: one value per slot, never a negative energy, never a throw', () => {
    const row = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 255 }), fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.constant(null)), fc.double({ noNaN: true }));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.constantFrom('energy', 'demand', 'register'), (rs, mode) => {
        const t: ProfileTableData = { ...lp([]), rows: rs.map(([k, s, a, b]) => [T0 + k * Q, s, a, b]) };
        const c = profileChart(t, mode as 'energy');
        for (const s of c.series) {
          expect(s.values).toHaveLength(c.x.length);
          if (mode === 'energy' && s.label.startsWith('Active energy import')) for (const v of s.values) if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
        }
        for (let i = 1; i < c.x.length; i++) expect(c.x[i]).toBeGreaterThanOrEqual(c.x[i - 1]!);
      }),
      { numRuns: 300 },
    );
  });
});
