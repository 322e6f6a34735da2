import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySerialNumberFormula, parseSerialNumberFormula } from './formula';
import { parseObis } from './obis';
import { editDistance, suggest } from './suggest';

describe('parseObis', () => {
  it('reads dotted, reduced and attribute forms', () => {
    expect(parseObis('1.0.1.8.0.255')).toEqual({ codes: [1, 0, 1, 8, 0, 255] });
    expect(parseObis('1-0:1.8.0*255')).toEqual({ codes: [1, 0, 1, 8, 0, 255] });
    expect(parseObis('1-0:1.8.0.255')).toEqual({ codes: [1, 0, 1, 8, 0, 255] });
    expect(parseObis('1-0:1.8.0')).toEqual({ codes: [1, 0, 1, 8, 0, 255] });
    expect(parseObis('1.0.1.8.0.255:2')).toEqual({ codes: [1, 0, 1, 8, 0, 255], attribute: 2 });
    expect(parseObis('0-0:96.1.0*255:3')).toEqual({ codes: [0, 0, 96, 1, 0, 255], attribute: 3 });
  });
  it('rejects malformed codes and out-of-range groups', () => {
    for (const bad of ['', '1.0.1.8.0', '1.0.1.8.0.255.1', 'a.b.c.d.e.f', '1-0:1.8', '1.0.1.8.0.255:']) expect(parseObis(bad)).toHaveProperty('error');
    expect(parseObis('1.0.1.8.300.255')).toEqual({ error: expect.stringMatching(/group E = 300/) });
    expect(parseObis('1.0.1.8.0.255:0')).toEqual({ error: expect.stringMatching(/attribute 0/) });
  });
  it('round-trips any six bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }), (codes) => {
        expect(parseObis(codes.join('.'))).toEqual({ codes });
      }),
    );
  });
});

describe('suggest', () => {
  it('counts adjacent swaps as one edit', () => {
    expect(editDistance('baudrate', 'badurate')).toBe(1);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('finds plausible typos and ignores far names', () => {
    expect(suggest('baudrat', ['baudrate', 'databits'])).toBe('baudrate');
    expect(suggest('Scan Rate Ms', ['scan_rate_ms'])).toBe('scan_rate_ms');
    expect(suggest('colour', ['baudrate', 'databits'])).toBeUndefined();
    expect(suggest('E', ['A', 'B'])).toBeUndefined();
  });
  it('is symmetric', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => editDistance(a, b) === editDistance(b, a)));
  });
});

describe('serial_number_formula', () => {
  it('reads the text form', () => {
    expect(parseSerialNumberFormula('SN % 10000 + 1000')).toEqual({ modulo: 10000, offset: 1000 });
    expect(parseSerialNumberFormula('sn%0x100-1')).toEqual({ modulo: 256, offset: -1 });
    expect(parseSerialNumberFormula('SN')).toEqual({ modulo: 0, offset: 0 });
  });
  it('reads the object form', () => {
    expect(parseSerialNumberFormula({ modulo: 1000 })).toEqual({ modulo: 1000, offset: 0 });
  });
  it('rejects anything else', () => {
    for (const bad of ['SN * 2', 'SN % 0', '1000', 'process.exit()', { modulo: -1 }, { offset: 1.5 }, { mod: 1 }, 42, null]) {
      expect(parseSerialNumberFormula(bad)).toHaveProperty('error');
    }
  });
  it('applies the DESIGN example', () => {
    expect(applySerialNumberFormula({ modulo: 10000, offset: 1000 }, 12345678)).toBe(6678);
    expect(applySerialNumberFormula({ modulo: 0, offset: 5 }, 10)).toBe(15);
  });
});
