/** The IEC plausibility check: real and simulated readouts pass, damage the block check misses does not. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../core/errors';
import { parseDataBlock } from '../protocols/iec62056-21/datasets';
import { assertPlausible, implausibleDataSets } from '../protocols/iec62056-21/plausible';
import { IEC_PROFILES } from '../sim/iec/profiles';
import { VirtualIecMeter } from '../sim/iec/virtual-meter';
import { iecTruth } from './iec-soak';

describe('IEC 62056-21 plausibility', () => {
  it('passes every simulated meter profile and every soak readout', () => {
    for (const [name, make] of Object.entries(IEC_PROFILES)) {
      const p = make();
      if (p.modeD) continue;
      const text = new VirtualIecMeter(p).readoutText();
      expect(implausibleDataSets(parseDataBlock(text).dataSets), name).toEqual([]);
    }
    for (let s = 1; s <= 50; s++) expect(implausibleDataSets(parseDataBlock(iecTruth(s).text).dataSets)).toEqual([]);
  });

  it('refuses damage the XOR check cannot see: a lost digit, a bent unit, a broken address', () => {
    const base = '1.8.0(012345.678*kWh)\r\n1.8.1(002345.678*kWh)\r\n1.8.2(010000.000*kWh)\r\n32.7.0(230.1*V)\r\n!\r\n';
    expect(implausibleDataSets(parseDataBlock(base).dataSets)).toEqual([]);
    for (const bad of [base.replace('012345.678', '01245.678'), base.replace('V)', 'F)'), base.replace('1.8.1', '1/8.1'), base.replace('kWh)\r\n1.8.2', 'kWj)\r\n1.8.2'), base.replace('230.1', '2#0.1')]) {
      const sets = parseDataBlock(bad).dataSets;
      expect(implausibleDataSets(sets).length, bad).toBeGreaterThan(0);
      expect(() => assertPlausible(sets)).toThrow(ProtocolError);
    }
  });

  it('never throws anything but ProtocolError, whatever the data sets hold', () => {
    const value = fc.record({ value: fc.string({ maxLength: 12 }), unit: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }) }, { requiredKeys: ['value'] });
    fc.assert(
      fc.property(fc.array(fc.record({ address: fc.string({ maxLength: 10 }), values: fc.array(value, { maxLength: 3 }), line: fc.nat() }), { maxLength: 20 }), (sets) => {
        try {
          assertPlausible(sets);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});
