import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../core/errors';
import { DEFAULT_LIMITS, formatDataSets, parseDataBlock, type DataValue } from './datasets';
import { decodeProfileBlock, formatIecTimestamp, parseIecTimestamp, parseLoadProfile } from './load-profile';

function expectProtocolError(fn: () => unknown, code?: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    if (code) expect((e as ProtocolError).code).toBe(code);
    return;
  }
  throw new Error('expected a ProtocolError');
}

describe('parseDataBlock', () => {
  it('parses the fixture readout with two data sets on one line', () => {
    const r = parseDataBlock('3:14(314*kWh)4:15(415*kWh)\r\n!\r\n');
    expect(r.complete).toBe(true);
    expect(r.dataSets.map((d) => [d.address, d.values])).toEqual([
      ['3:14', [{ value: '314', unit: 'kWh' }]],
      ['4:15', [{ value: '415', unit: 'kWh' }]],
    ]);
  });

  it('answer without end line is incomplete', () => {
    const r = parseDataBlock('3:171.0(0)');
    expect(r.complete).toBe(false);
    expect(r.dataSets).toEqual([{ address: '3:171.0', values: [{ value: '0' }], line: 1 }]);
  });

  it('historic values, several values, & inside values, decimal comma, empty values', () => {
    const r = parseDataBlock(
      ['1.8.0*24(0147238.4*kWh)', '1.6.1(0042.17*kW)(2601121545)', '1.6.2(0038.02*kW&26-01-09 07:30)', '1.8.0(0004321,56*kWh)', '0-0:96.13.0()', '!'].join('\r\n'),
    );
    const by = Object.fromEntries(r.dataSets.map((d) => [d.address, d.values]));
    expect(by['1.8.0*24']).toEqual([{ value: '0147238.4', unit: 'kWh' }]);
    expect(by['1.6.1']).toEqual([{ value: '0042.17', unit: 'kW' }, { value: '2601121545' }]);
    expect(by['1.6.2']).toEqual([{ value: '0038.02', unit: 'kW', extra: ['26-01-09 07:30'] }]);
    expect(by['1.8.0']).toEqual([{ value: '0004321,56', unit: 'kWh' }]);
    expect(by['0-0:96.13.0']).toEqual([{ value: '' }]);
  });

  it('LF-only lines, leading garbage, stops at !', () => {
    const r = parseDataBlock('\x00\x7f\xff1.8.0(1*kWh)\n  2.8.0(2*kWh)\n!\nGARBAGE(1)\n');
    expect(r.complete).toBe(true);
    expect(r.dataSets.map((d) => d.address)).toEqual(['1.8.0', '2.8.0']);
  });

  it('continuation lines attach to the previous data set (load profile, DSMR 3 gas)', () => {
    const r = parseDataBlock('0-1:24.3.0(090212160000)(00)(60)(1)(0-1:24.2.1)(m3)\r\n(00001.001)\r\n0-1:24.4.0(1)\r\n!\r\n');
    expect(r.dataSets[0].values.map((v) => v.value)).toEqual(['090212160000', '00', '60', '1', '0-1:24.2.1', 'm3', '00001.001']);
    expect(r.dataSets[1].address).toBe('0-1:24.4.0');
    const p = decodeProfileBlock(r.dataSets[0]);
    expect(p.channels).toEqual([{ address: '0-1:24.2.1', unit: 'm3' }]);
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0].values[0].value).toBe('00001.001');
    expect(p.start).toMatchObject({ year: 2009, month: 2, day: 12, hour: 16 });
  });

  it('enforces field limits with LENGTH and unclosed values with FRAMING', () => {
    expectProtocolError(() => parseDataBlock(`${'A'.repeat(40)}(1)`), 'LENGTH');
    expectProtocolError(() => parseDataBlock(`1.8.0(${'9'.repeat(3000)})`), 'LENGTH');
    expectProtocolError(() => parseDataBlock('1.8.0(1*kWhkWhkWhkWhkWhkWh)'), 'LENGTH');
    expectProtocolError(() => parseDataBlock('1.8.0(123\r\n2.8.0(1)'), 'FRAMING');
    expectProtocolError(() => parseDataBlock('1.8.0(1)\r\n'.repeat(20), { ...DEFAULT_LIMITS, dataSets: 10 }), 'LENGTH');
  });

  const addr = fc.stringMatching(/^[0-9A-Z][0-9A-Za-z.:*\-]{0,15}$/);
  const val = fc.record(
    {
      value: fc.stringMatching(/^[0-9A-Za-z.,:\- ]{0,20}$/),
      unit: fc.stringMatching(/^[A-Za-z0-9]{0,6}$/),
      extra: fc.array(fc.stringMatching(/^[0-9A-Za-z.:\- ]{0,10}$/), { maxLength: 2 }),
    },
    { requiredKeys: ['value'] },
  );

  it('format -> parse round trip', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ address: addr, values: fc.array(val, { minLength: 1, maxLength: 4 }) }), { maxLength: 20 }), (sets) => {
        const clean = sets.map((s) => ({
          address: s.address,
          values: s.values.map((v) => {
            const o: DataValue = { value: v.value };
            if (v.unit !== undefined) o.unit = v.unit;
            if (v.extra && v.extra.length > 0) o.extra = v.extra;
            return o;
          }),
        }));
        const r = parseDataBlock(formatDataSets(clean));
        expect(r.complete).toBe(true);
        expect(r.dataSets.map((d) => ({ address: d.address, values: d.values }))).toEqual(clean);
      }),
    );
  });

  it('random and mutated text: a value or ProtocolError, never anything else', () => {
    const base = '1.8.0(0147238.4*kWh)\r\n1.6.1(0042.17*kW)(2601121545)\r\nP.01(0260101000000)(00)(15)(1)(1.5.0)(kW)\r\n(1.0)\r\n!\r\n';
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 0, maxLength: 3 })), { maxLength: 6 }), (random, muts) => {
        let m = base;
        for (const [p, s] of muts) {
          const i = p % (m.length + 1);
          m = m.slice(0, i) + s + m.slice(i + 1);
        }
        for (const t of [random, m]) {
          try {
            const r = parseDataBlock(t);
            parseLoadProfile(r.dataSets);
          } catch (e) {
            expect(e).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('load profile', () => {
  it('decodes header, channels and rows with time stamps', () => {
    const text = 'P.01(0260101000000)(00)(15)(2)(1.5.0)(kW)(2.5.0)(kW)\r\n(20.000)(0.000)\r\n(21.247)(0.000)\r\n(22.474)(0.000)\r\n';
    const [p] = parseLoadProfile(parseDataBlock(text).dataSets);
    expect(p.periodMinutes).toBe(15);
    expect(p.start.season).toBe('0');
    expect(p.channels.map((c) => c.address)).toEqual(['1.5.0', '2.5.0']);
    expect(p.rows.map((r) => r.localMs - p.start.localMs)).toEqual([0, 900_000, 1_800_000]);
    expect(p.rows[1].values.map((v) => v.value)).toEqual(['21.247', '0.000']);
  });

  it('time stamp formats', () => {
    expect(parseIecTimestamp('2601121545')).toMatchObject({ year: 2026, month: 1, day: 12, hour: 15, minute: 45, second: 0 });
    expect(parseIecTimestamp('200512135409S')).toMatchObject({ year: 2020, second: 9, season: 'S' });
    expect(parseIecTimestamp('12601121545')).toMatchObject({ season: '1', minute: 45 });
    expectProtocolError(() => parseIecTimestamp('2613121545'), 'FRAMING');
    expect(formatIecTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5), '0')).toBe('0260102030405');
  });
});
