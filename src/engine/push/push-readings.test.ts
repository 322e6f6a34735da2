import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DriverSignal } from '../driver';
import { pushReadings } from './push-readings';

const sig = (alias: string, obis: string, number_type?: string): DriverSignal => ({
  signal_alias: alias,
  device_alias: 'han',
  address: `${obis}:2`,
  config: {},
  ...(number_type ? { number_type } : {}),
});

const values = [
  { obis: '1.1.0.2.129.255', value: 'Kamstrup_V0001' },
  { obis: '1.0.1.7.0.255', value: 1234, unit: 'W' },
  { obis: '1.0.32.7.0.255', value: 231.4, unit: 'V', decimals: 1 },
  { obis: '0.0.96.1.0.255', value: 5706567274389702 },
];

describe('pushReadings', () => {
  it('gives the configured signals matched by OBIS, with unit and decimals, at the push time', () => {
    const out = pushReadings(values, { device_alias: 'han', signals: [sig('p', '1.0.1.7.0.255'), sig('u1', '1.0.32.7.0.255'), sig('gone', '1.0.2.8.0.255')], allValues: false, ts: 42 });
    expect(out).toEqual([
      { ts: 42, device_alias: 'han', signal_alias: 'p', value: 1234, unit: 'W', quality: 'good', address: '1.0.1.7.0.255:2' },
      { ts: 42, device_alias: 'han', signal_alias: 'u1', value: 231.4, unit: 'V', decimals: 1, quality: 'good', address: '1.0.32.7.0.255:2' },
    ]);
  });

  it('names every other value by its OBIS code with push_all_values, and honours number_type STRING', () => {
    const out = pushReadings(values, { device_alias: 'han', signals: [sig('serial', '0.0.96.1.0.255', 'STRING')], allValues: true, ts: 1 });
    expect(out.map((r) => [r.signal_alias, r.value])).toEqual([
      ['1.1.0.2.129.255', 'Kamstrup_V0001'],
      ['1.0.1.7.0.255', 1234],
      ['1.0.32.7.0.255', 231.4],
      ['serial', '5706567274389702'],
    ]);
  });
});

describe('pushReadings (property)', () => {
  it('gives only good readings at the push time, each OBIS once per signal, and nothing unasked without push_all_values', () => {
    const obis = fc.tuple(fc.nat(2), fc.nat(2), fc.nat(3), fc.nat(3)).map(([a, b, c, d]) => `${a}.${b}.${c}.${d}.0.255`);
    const value = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.string(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.record({ obis, value }), { maxLength: 20 }), fc.uniqueArray(obis, { maxLength: 6 }), fc.boolean(), (vals, wanted, all) => {
        const signals = wanted.map((o, i) => sig(`s${i}`, o));
        const out = pushReadings(vals, { device_alias: 'han', signals, allValues: all, ts: 7 });
        const aliases = out.map((r) => r.signal_alias);
        const distinctObis = new Set(vals.map((v) => v.obis));
        const matched = [...distinctObis].filter((o) => wanted.includes(o)).length;
        return (
          out.every((r) => r.quality === 'good' && r.ts === 7 && r.device_alias === 'han') &&
          new Set(aliases).size === aliases.length &&
          out.length === (all ? distinctObis.size : matched)
        );
      }),
    );
  });
});
