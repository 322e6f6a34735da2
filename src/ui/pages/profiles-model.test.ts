import { describe, expect, it } from 'vitest';
import type { ProfileResult } from '../../worker/engine-api';
import { chartData, chartSummary, checkRange, fromLocalInput, profileChoices, resultToTable, toFieldText, toLocalInput } from './profiles-model';

const RESULT: ProfileResult = {
  device_alias: 'd',
  address: '1.0.99.1.0.255',
  name: 'Load profile 1',
  columns: [
    { name: 'Time', unit: '' },
    { name: 'Active energy import (+A)', unit: 'kWh' },
    { name: 'Status', unit: '' },
  ],
  rows: [
    { ts: 2_000_000, values: [2_000_000, 2.5, 'ok'] },
    { ts: 1_000_000, values: [1_000_000, 1.5, 'ok'] },
    { ts: null, values: [null, 9, 'no time'] },
  ],
  storedId: 7,
};

describe('resultToTable', () => {
  it('puts a Time column first, as the worker stores it, and shows the repeated clock column once', () => {
    const t = resultToTable(RESULT, 5);
    expect(t.id).toBe(7);
    expect(t.columns.map((c) => [c.name, c.unit, c.isTime])).toEqual([
      ['Time', undefined, true],
      ['Active energy import (+A)', 'kWh', undefined],
      ['Status', undefined, undefined],
    ]);
    expect(t.rows[0]).toEqual([2_000_000, 2.5, 'ok']);
    expect(t.readAt).toBe(5);
  });

  it('names IEC channels in words, keeping their address', () => {
    const r: ProfileResult = { device_alias: 'i', address: 'P.01', name: 'LP', columns: [{ name: '1.5.0', unit: 'kW' }, { name: 'x', unit: '' }], rows: [] };
    const t = resultToTable(r, 0, (a) => (a === '1.5.0' ? 'Active power import' : ''));
    expect(t.columns.map((c) => c.name)).toEqual(['Time', 'Active power import (1.5.0)', 'x']);
  });

  it('keeps a second time column that disagrees with the row time', () => {
    const r = { ...RESULT, rows: [{ ts: 1, values: [2, 3, 'x'] }] };
    const t = resultToTable(r, 0);
    expect(t.columns.filter((c) => c.isTime)).toHaveLength(2);
    expect(t.rows[0]).toEqual([1, 2, 3, 'x']);
  });
});

describe('chartData', () => {
  it('charts numeric columns against time, sorted, skipping rows without a time and text columns', () => {
    const d = chartData(resultToTable(RESULT, 0));
    expect(d.x).toEqual([1000, 2000]);
    expect(d.series).toEqual([{ label: 'Active energy import (+A)', unit: 'kWh', values: [1.5, 2.5] }]);
    expect(chartSummary('LP', d, (ms) => String(ms))).toBe('Chart of LP: 2 points from 1000000 to 2000000; Active energy import (+A) (kWh) from 1.5 to 2.5.');
  });
  it('is empty without a time column', () => {
    expect(chartData({ device_alias: 'd', name: 'x', columns: [{ name: 'a' }], rows: [[1]], readAt: 0 })).toEqual({ x: [], series: [] });
  });
});

describe('date range inputs', () => {
  it('round-trips local time to the minute', () => {
    const ms = new Date(2026, 10, 25, 14, 5).getTime();
    expect(toLocalInput(ms)).toBe('2026-11-25T14:05');
    expect(fromLocalInput('2026-11-25T14:05')).toBe(ms);
    expect(fromLocalInput('')).toBeNaN();
  });
  it('checks the range', () => {
    expect(checkRange(1, 2)).toBeUndefined();
    expect(checkRange(2, 1)).toMatch(/before/);
    expect(checkRange(NaN, 1)).toMatch(/both/);
  });
});

describe('profileChoices', () => {
  it('offers DLMS profiles, IEC P.01/P.98, and both for Elgama', () => {
    expect(profileChoices('DLMS').map((c) => c.address)).toContain('0.0.99.98.0.255');
    expect(profileChoices('IEC 62056-21').map((c) => c.address)).toEqual(['P.01', 'P.98']);
    expect(profileChoices('Elgama')).toHaveLength(5);
  });
});

describe('date-time fields as one text field', () => {
  it('writes and reads back YYYY-MM-DD HH:MM, and still reads datetime-local text', () => {
    const t = new Date(2026, 10, 25, 12, 5).getTime();
    expect(toFieldText(t)).toBe('2026-11-25 12:05');
    expect(fromLocalInput(toFieldText(t))).toBe(t);
    expect(fromLocalInput('2026-11-25T12:05')).toBe(t);
  });
  it('refuses what is not a real date and time', () => {
    for (const bad of ['', '2026-11-25', '25.11.2026 12:05', '2026-02-30 10:00', '2026-11-25 25:00', '2026-11-25 12:61']) {
      expect(fromLocalInput(bad), bad).toBeNaN();
    }
  });
});
