import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../core/errors';
import { addLlc, stripLlc } from './llc';
import { DEFAULT_HDLC_PARAMETERS, decodeParameters, encodeParameters } from './params';
import { fromHex, toHex } from './test-helpers';

describe('HDLC parameter negotiation field', () => {
  it('encodes the Green Book UA field exactly (sizes shortest, windows 4 bytes)', () => {
    const p = { maxInfoTx: 154, maxInfoRx: 154, windowTx: 1, windowRx: 1 };
    expect(toHex(encodeParameters(p))).toBe('81801205019A06019A070400000001080400000001');
    expect(decodeParameters(fromHex('81801205019A06019A070400000001080400000001'))).toEqual(p);
  });

  it('uses 2-byte sizes above 255 and compact windows on request', () => {
    expect(toHex(encodeParameters({ maxInfoTx: 0x7ee, maxInfoRx: 128, windowTx: 7, windowRx: 7 }, { compactWindow: true }))).toBe('81800D050207EE060180070107080107');
  });

  it('fills in defaults for missing parameters and an empty field', () => {
    expect(decodeParameters(new Uint8Array(0))).toEqual(DEFAULT_HDLC_PARAMETERS);
    expect(decodeParameters(fromHex('8180030501FF'))).toEqual({ ...DEFAULT_HDLC_PARAMETERS, maxInfoTx: 255 });
    // Unknown parameter ids are skipped.
    expect(decodeParameters(fromHex('81800709020000060140'))).toEqual({ ...DEFAULT_HDLC_PARAMETERS, maxInfoRx: 64 });
  });

  it('refuses broken fields with ProtocolError', () => {
    for (const bad of ['8181020000', '818005050102', '81800305050102030405', '80', '8180020500']) {
      expect(() => decodeParameters(fromHex(bad))).toThrow(ProtocolError);
    }
  });

  it('round trips and never throws anything but ProtocolError', () => {
    const v = fc.integer({ min: 1, max: 0xffffffff });
    fc.assert(
      fc.property(v, v, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), (a, b, c, d, compact) => {
        const p = { maxInfoTx: a, maxInfoRx: b, windowTx: c, windowRx: d };
        expect(decodeParameters(encodeParameters(p, { compactWindow: compact }))).toEqual(p);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const input = b.length >= 2 ? Uint8Array.from([0x81, 0x80, ...b]) : b;
        try {
          decodeParameters(input);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});

describe('LLC header', () => {
  it('adds and strips E6 E6 00 / E6 E7 00', () => {
    expect(toHex(addLlc(Uint8Array.of(0xc0, 0x01), 'request'))).toBe('E6E600C001');
    expect(toHex(addLlc(Uint8Array.of(0xc4), 'response'))).toBe('E6E700C4');
    expect(toHex(stripLlc(fromHex('E6E700C401'), 'response'))).toBe('C401');
    expect(toHex(stripLlc(fromHex('E6E600C401'), 'response'))).toBe('C401');
    expect(() => stripLlc(fromHex('E6E600C401'), 'response', true)).toThrow(ProtocolError);
    expect(() => stripLlc(fromHex('C401'), 'response')).toThrow(ProtocolError);
  });
});
