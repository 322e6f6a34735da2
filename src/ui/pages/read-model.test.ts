import { describe, expect, it } from 'vitest';
import type { Reading } from '../../core/reading';
import { describeObis } from '../../protocols/cosem/dictionary';
import { addressWords, configSignals, formatValue, liveRows, showProgress } from './read-model';

const CONFIG = JSON.stringify({
  devices: [
    { name: 'D', device_alias: 'd1', protocol: 'DLMS' },
    { name: 'I', device_alias: 'i1', protocol: 'IEC 62056-21', enable: 0 },
  ],
  signals: [
    { signal_name: 'Energy import', device_alias: 'd1', signal_alias: 'e', obis_job: '1.0.1.8.0.255' },
    { signal_name: 'Voltage', device_alias: 'd1', signal_alias: 'u', obis_job: '1.0.32.7.0.255:2', enable: 0 },
    { signal_name: 'IEC energy', device_alias: 'i1', signal_alias: 'e', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
  ],
});

describe('configSignals', () => {
  it('lists signals with names, addresses and whether they (and their device) are enabled', () => {
    const s = configSignals(CONFIG);
    expect(s.map((x) => [x.device_alias, x.signal_alias, x.name, x.address, x.protocol, x.enabled])).toEqual([
      ['d1', 'e', 'Energy import', '1.0.1.8.0.255', 'DLMS', true],
      ['d1', 'u', 'Voltage', '1.0.32.7.0.255:2', 'DLMS', false],
      ['i1', 'e', 'IEC energy', '1.8.0', 'IEC 62056-21', false],
    ]);
  });
  it('survives broken text', () => {
    expect(configSignals('{nope')).toEqual([]);
    expect(configSignals(undefined)).toEqual([]);
  });
});

describe('addressWords', () => {
  it('names full OBIS codes, with or without attribute', () => {
    expect(addressWords('1.0.1.8.0.255', describeObis)).toBe('Active energy import (+A), total');
    expect(addressWords('1.0.1.8.0.255:2', describeObis)).toBe('Active energy import (+A), total');
  });
  it('reads IEC C.D.E data sets as electricity codes, historic ones with their billing period', () => {
    expect(addressWords('1.8.0', describeObis)).toBe('Active energy import (+A), total');
    expect(addressWords('1.8.0*24', describeObis)).toMatch(/^Active energy import \(\+A\), total/);
    expect(addressWords('1.8.0*24', describeObis)).not.toBe(addressWords('1.8.0', describeObis));
  });
  it('says nothing rather than echoing an address it cannot name', () => {
    expect(addressWords('F.F', describeObis)).toBe('');
    expect(addressWords(undefined, describeObis)).toBe('');
  });
});

describe('liveRows', () => {
  const r = (over: Partial<Reading>): Reading => ({ ts: 0, device_alias: 'd1', signal_alias: 'e', value: 1, quality: 'good', ...over });
  it('shows enabled signals waiting, then with their latest value, unit and words', () => {
    const signals = configSignals(CONFIG);
    const waiting = liveRows(signals, new Map(), describeObis, () => 't');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ name: 'Energy import', quality: 'waiting', value: '—', words: 'Active energy import (+A), total' });
    const latest = new Map([['d1/e', r({ value: 1234.5, unit: 'kWh', address: '1.0.1.8.0.255' })]]);
    const rows = liveRows(signals, latest, describeObis, () => 't');
    expect(rows[0]).toMatchObject({ value: (1234.5).toLocaleString(undefined, { maximumFractionDigits: 12 }), unit: 'kWh', quality: 'good', time: 't' });
  });
  it('keeps bad readings with their error code and readings the configuration does not name', () => {
    const latest = new Map([
      ['d1/e', r({ value: null, quality: 'bad', error: 'TIMEOUT' })],
      ['d1/x', r({ signal_alias: 'x', value: 'abc' })],
      ['other/y', r({ device_alias: 'other', signal_alias: 'y' })],
    ]);
    const rows = liveRows(configSignals(CONFIG), latest, describeObis, () => 't');
    expect(rows.map((x) => [x.key, x.quality, x.error, x.value])).toEqual([
      ['d1/e', 'bad', 'TIMEOUT', '—'],
      ['d1/x', 'good', undefined, 'abc'],
    ]);
  });
});

describe('formatValue and showProgress', () => {
  it('formats values', () => {
    expect(formatValue(null)).toBe('—');
    expect(formatValue(true)).toBe('true');
    expect(formatValue('x')).toBe('x');
    expect(formatValue(0.000123456, 'en-US')).toBe('0.000123456');
  });
  it('keeps the meter\'s decimals and never drops digits it has', () => {
    expect(formatValue(50, 'en-US', 2)).toBe('50.00');
    expect(formatValue(147238.4, 'en-US', 3)).toBe('147,238.400');
    expect(formatValue(12.345, 'en-US', 1)).toBe('12.345');
    expect(formatValue(50, 'lt-LT', 2)).toBe('50,00');
  });
  it('shows progress only after a second', () => {
    expect(showProgress(undefined, 5000)).toBe(false);
    expect(showProgress(4500, 5000)).toBe(false);
    expect(showProgress(4000, 5000)).toBe(true);
  });
});
