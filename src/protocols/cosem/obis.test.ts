import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError, ProtocolError } from '../../core/errors';
import { formatObis, obisEquals, obisKey, parseObis, toObisKey } from './obis';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('parseObis', () => {
  it('reads the dotted form with and without attribute', () => {
    expect(parseObis('1.0.1.8.0.255')).toEqual({ obis: bytes(1, 0, 1, 8, 0, 255) });
    expect(parseObis('1.0.1.8.0.255:2')).toEqual({ obis: bytes(1, 0, 1, 8, 0, 255), attribute: 2 });
    expect(parseObis('  0.0.96.1.0.255 ')).toEqual({ obis: bytes(0, 0, 96, 1, 0, 255) });
  });

  it('reads the IEC form, F defaulting to 255', () => {
    expect(parseObis('1-0:1.8.0*255').obis).toEqual(bytes(1, 0, 1, 8, 0, 255));
    expect(parseObis('1-0:1.8.0')).toEqual({ obis: bytes(1, 0, 1, 8, 0, 255) });
    expect(parseObis('1-0:1.8.0*101:3')).toEqual({ obis: bytes(1, 0, 1, 8, 0, 101), attribute: 3 });
    expect(parseObis('1-0:32.7.0&12').obis).toEqual(bytes(1, 0, 32, 7, 0, 12));
  });

  it('maps the letter groups C, F, L, P to 96..99', () => {
    expect(parseObis('0-0:C.1.0*255').obis).toEqual(bytes(0, 0, 96, 1, 0, 255));
    expect(parseObis('0-0:F.F.0').obis).toEqual(bytes(0, 0, 97, 97, 0, 255));
    expect(parseObis('1-0:L.1.0').obis[2]).toBe(98);
    expect(parseObis('1.0.P.1.0.255').obis[2]).toBe(99);
    expect(parseObis('0-0:c.1.0').obis[2]).toBe(96);
  });

  it('reads 12 hex digits', () => {
    expect(parseObis('0100010800FF').obis).toEqual(bytes(1, 0, 1, 8, 0, 255));
    expect(parseObis('0000010000ff:2')).toEqual({ obis: bytes(0, 0, 1, 0, 0, 255), attribute: 2 });
  });

  it('rejects malformed text with a FRAMING ProtocolError and a plain message', () => {
    for (const t of ['', '1.0.1.8.0', '1.0.1.8.0.256', '1-0:1.8', '1.0.1.8.0.255:0', '1.0.1.8.0.255:200', 'abc', '1-0:1.8.0*1000', '0100010800F']) {
      let err: unknown;
      try {
        parseObis(t);
      } catch (e) {
        err = e;
      }
      expect(err, t).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe('FRAMING');
    }
    expect(() => parseObis('1.0.1.8.0.256')).toThrow(/value group F is 256/);
  });
});

describe('formatObis / obisKey', () => {
  it('formats both styles', () => {
    const ln = bytes(1, 0, 1, 8, 0, 255);
    expect(formatObis(ln)).toBe('1.0.1.8.0.255');
    expect(formatObis(ln, 'iec')).toBe('1-0:1.8.0*255');
    expect(obisKey(ln)).toBe('1.0.1.8.0.255');
    expect(toObisKey('1-0:1.8.0')).toBe('1.0.1.8.0.255');
    expect(obisEquals(ln, parseObis('1-0:1.8.0').obis)).toBe(true);
    expect(obisEquals(ln, bytes(1, 0, 2, 8, 0, 255))).toBe(false);
  });

  it('rejects a logical name that is not 6 bytes', () => {
    expect(() => formatObis(bytes(1, 2, 3))).toThrow(ProtocolError);
  });

  it('round-trips every logical name through both styles and hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.option(fc.integer({ min: 1, max: 127 }), { nil: undefined }), (ln, attr) => {
        const suffix = attr === undefined ? '' : `:${attr}`;
        const expected = attr === undefined ? { obis: ln } : { obis: ln, attribute: attr };
        expect(parseObis(formatObis(ln) + suffix)).toEqual(expected);
        expect(parseObis(formatObis(ln, 'iec') + suffix)).toEqual(expected);
        const hex = Array.from(ln, (b) => b.toString(16).padStart(2, '0')).join('');
        expect(parseObis(hex + suffix)).toEqual(expected);
      }),
    );
  });

  it('gives a value or a FRAMING error for any text', () => {
    const obisish = fc.stringMatching(/^[0-9CFLP.:*&\- a-f]{0,24}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), obisish), (t) => {
        try {
          const r = parseObis(t);
          expect(r.obis.length).toBe(6);
        } catch (e) {
          expect(e).toBeInstanceOf(MeterError);
          expect((e as MeterError).code).toBe('FRAMING');
        }
      }),
    );
  });
});
