import { describe, expect, it } from 'vitest';
import type { Reading } from '../core/reading';
import { TableFormatter, createFormatter, csvFormatter, jsonlFormatter } from './format';

const TS = Date.UTC(2026, 10, 25, 14, 3, 0, 250);
const good: Reading = { ts: TS, device_alias: 'meter1', signal_alias: 'energy', value: 147238.4, unit: 'kWh', quality: 'good' };
const bad: Reading = { ts: TS, device_alias: 'meter1', signal_alias: 'voltage', value: null, quality: 'bad', error: 'TIMEOUT' };
const tricky: Reading = { ts: TS, device_alias: 'm,2', signal_alias: 'name', value: 'He said "hi"\r\nbye', quality: 'good' };
const formula: Reading = { ts: TS, device_alias: 'm3', signal_alias: 's', value: '=SUM(A1)', quality: 'good' };

describe('jsonl', () => {
  it('prints one object per reading with every key, ts in ISO 8601', () => {
    const out = jsonlFormatter.rows([good, bad]);
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0])).toEqual({
      ts: '2026-11-25T14:03:00.250Z',
      device_alias: 'meter1',
      signal_alias: 'energy',
      value: 147238.4,
      unit: 'kWh',
      quality: 'good',
      error: null,
      raw: null,
    });
    expect(JSON.parse(lines[1])).toEqual({ ts: '2026-11-25T14:03:00.250Z', device_alias: 'meter1', signal_alias: 'voltage', value: null, unit: null, quality: 'bad', error: 'TIMEOUT', raw: null });
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(['ts', 'device_alias', 'signal_alias', 'value', 'unit', 'quality', 'error', 'raw']);
    expect(jsonlFormatter.header()).toBe('');
  });

  it('keeps strings with quotes and line breaks on one line', () => {
    const out = jsonlFormatter.rows([tricky]);
    expect(out.split('\n')).toHaveLength(2);
    expect(JSON.parse(out).value).toBe('He said "hi"\r\nbye');
  });
});

describe('csv (RFC 4180)', () => {
  it('has a header and CRLF rows, quoting where needed', () => {
    const text = csvFormatter.header() + csvFormatter.rows([good, bad, tricky]);
    expect(text).toBe(
      'ts,device_alias,signal_alias,value,unit,quality,error\r\n' +
        '2026-11-25T14:03:00.250Z,meter1,energy,147238.4,kWh,good,\r\n' +
        '2026-11-25T14:03:00.250Z,meter1,voltage,,,bad,TIMEOUT\r\n' +
        '2026-11-25T14:03:00.250Z,"m,2",name,"He said ""hi""\r\nbye",,good,\r\n',
    );
  });

  it('does not let a meter string become a spreadsheet formula', () => {
    expect(csvFormatter.rows([formula])).toContain(",'=SUM(A1),");
  });
});

describe('table', () => {
  it('aligns columns from the hints, values on the right, status with the error code', () => {
    const t = new TableFormatter({ deviceAliases: ['meter1', 'a_much_longer_device'], signalAliases: ['energy', 'voltage'] });
    const lines = (t.header() + t.rows([good, bad])).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^TIME \(UTC\)\s+DEVICE\s+SIGNAL\s+VALUE\s+UNIT\s+STATUS$/);
    expect(lines[1]).toMatch(/^-+( {2}-+)+$/);
    expect(lines[2]).toMatch(/^2026-11-25T14:03:00Z {2}meter1 +energy +147238\.4 {2}kWh +good$/);
    expect(lines[3]).toMatch(/ - +bad TIMEOUT$/);
    // Every column starts at the same offset in every line.
    for (const title of ['DEVICE', 'SIGNAL', 'UNIT']) {
      const at = lines[0].indexOf(title);
      expect(lines[2][at - 1]).toBe(' ');
      expect(lines[2][at]).not.toBe(' ');
    }
    const valueEnd = lines[0].indexOf('VALUE') + 'VALUE'.length;
    expect(lines[2].slice(0, valueEnd).endsWith('147238.4')).toBe(true);
    expect(lines[3].slice(0, valueEnd).endsWith('-')).toBe(true);
    expect(lines[0].indexOf('SIGNAL')).toBeGreaterThan(lines[0].indexOf('DEVICE') + 'a_much_longer_device'.length);
  });

  it('keeps a row on one line whatever the value holds', () => {
    const t = createFormatter('table');
    expect(t.rows([tricky]).split('\n')).toHaveLength(2);
  });
});

describe('date-times and decimals (what the meter gave)', () => {
  const clock: Reading = { ts: TS, device_alias: 'm', signal_alias: 'clock', value: '2024-03-15T12:34:56+01:00', raw: '07E8030F050C223800FFC400', quality: 'good' };
  const hz: Reading = { ts: TS, device_alias: 'm', signal_alias: 'f', value: 50, decimals: 2, unit: 'Hz', quality: 'good' };

  it('prints the ISO time with the deviation and keeps the bytes beside it in JSON', () => {
    expect(JSON.parse(jsonlFormatter.rows([clock]))).toMatchObject({ value: '2024-03-15T12:34:56+01:00', raw: '07E8030F050C223800FFC400' });
    expect(csvFormatter.rows([clock])).toContain(',2024-03-15T12:34:56+01:00,');
    expect(new TableFormatter().rows([clock])).toContain('2024-03-15T12:34:56+01:00');
  });

  it('prints 50.00 Hz, not 50, where the scaler gives two decimals', () => {
    expect(new TableFormatter().rows([hz])).toMatch(/ 50\.00 {2}Hz/);
    expect(csvFormatter.rows([hz])).toContain(',50.00,Hz,');
    expect(JSON.parse(jsonlFormatter.rows([hz])).value).toBe(50);
  });
});
