import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import type { DlmsData } from '../dlms/axdr/types';
import { attributeView, viewText, type ViewNode } from './attribute-view';
import { knownClasses } from './classes';
import { dlmsData } from './dlms-data.arbitrary';

const octets = (...b: number[]): DlmsData => ({ type: 'octet-string', value: new Uint8Array(b) });
const hex = (h: string): DlmsData => ({ type: 'octet-string', value: Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16))) });
const u16 = (value: number): DlmsData => ({ type: 'uint16', value });
const i8 = (value: number): DlmsData => ({ type: 'int8', value });
const s = (...items: DlmsData[]): DlmsData => ({ type: 'structure', items });
const arr = (...items: DlmsData[]): DlmsData => ({ type: 'array', items });

describe('attribute view by class definition', () => {
  it("shows a clock's time as ISO 8601 with deviation and status, the bytes beside it (issue 12.5)", () => {
    const v = attributeView(8, 2, hex('07EA0C0203023A0B1C000000'));
    expect(v).toMatchObject({ kind: 'date-time', label: 'time', value: '2026-12-02T02:58:11.28+00:00', raw: '07EA0C0203023A0B1C000000', flags: [] });
    expect(v.text).toBe('2026-12-02T02:58:11.28+00:00 (deviation 0 min, status ok)');
    const dst = attributeView(8, 2, hex('07E8071005' + '0C0000FF' + 'FF88' + '81'));
    expect(dst.value).toBe('2024-07-16T12:00:00+02:00');
    expect(dst.flags).toEqual(['invalid value', 'daylight saving active']);
    expect(attributeView(8, 5, hex('FFFF03FE070200000000FFC480')).kind).toBe('error'); // 13 bytes: not a date-time
    expect(attributeView(8, 5, hex('FFFF03FE0702000000FFC480')).value).toBe('****-03-(last)T02:00:00+01:00');
  });

  it('refuses a date-time with fields out of range instead of showing a time', () => {
    const v = attributeView(8, 2, hex('07EA0D0203023A0B1C000000'));
    expect(v.kind).toBe('error');
    expect(v.text).toMatch(/month is 13/);
    expect(v.raw).toBe('07EA0D0203023A0B1C000000');
  });

  it('names enums, clock status flags and units of time', () => {
    expect(attributeView(8, 9, { type: 'enum', value: 1 }).text).toBe('internal crystal (1)');
    expect(attributeView(8, 9, { type: 'enum', value: 42 }).kind).toBe('error');
    expect(attributeView(8, 4, { type: 'uint8', value: 0x82 }).flags).toEqual(['doubtful value', 'daylight saving active']);
    expect(attributeView(8, 3, { type: 'int16', value: -60 }).text).toBe('-60 min');
    expect(attributeView(70, 3, { type: 'enum', value: 2 }).text).toBe('ready for reconnection (2)');
    expect(attributeView(7, 4, { type: 'uint32', value: 900 }).text).toBe('900 s');
  });

  it('shows capture objects as OBIS with words and the attribute (issue 12.5)', () => {
    const v = attributeView(7, 3, arr(s(u16(8), octets(0, 0, 1, 0, 0, 255), i8(2), u16(0)), s(u16(3), octets(1, 0, 1, 8, 0, 255), i8(2), u16(0))));
    expect(v.kind).toBe('list');
    expect(v.children).toHaveLength(2);
    expect(v.children![0]!.text).toMatch(/^0\.0\.1\.0\.0\.255 .*· time \(attribute 2\) · Clock$/);
    expect(v.children![1]!.text).toMatch(/^1\.0\.1\.8\.0\.255 .*· value \(attribute 2\) · Register$/);
    expect(v.children![1]!.value).toBe('1.0.1.8.0.255:2');
  });

  it('shows scaler_unit as 10^-2 Wh and register values scaled with the meter decimals', () => {
    expect(attributeView(3, 3, s(i8(-2), { type: 'enum', value: 30 })).text).toBe('10^-2 Wh');
    expect(attributeView(3, 3, s({ type: 'uint8', value: 0xfe }, { type: 'enum', value: 44 })).text).toBe('10^-2 Hz');
    expect(attributeView(3, 3, s(i8(0), { type: 'enum', value: 255 })).text).toBe('10^0 (no unit)');
    const hz = attributeView(3, 2, u16(5000), { scaler: { scaler: -2, unit: 44 } });
    expect(hz).toMatchObject({ kind: 'number', text: '50.00 Hz', value: 50, decimals: 2, unit: 'Hz' });
    const big = attributeView(3, 2, { type: 'uint64', value: 2n ** 64n - 1n }, { scaler: { scaler: -3, unit: 30 } });
    expect(big.value).toBe('18446744073709551.615');
    expect(attributeView(3, 2, u16(5000)).text).toMatch(/^5000 \(unscaled/);
    expect(attributeView(3, 2, { type: 'visible-string', value: 'V1.2' }, { scaler: { scaler: -2, unit: 44 } }).text).toBe('V1.2');
  });

  it('shows a logical name with words, bit-strings as flags, and never a secret', () => {
    expect(attributeView(3, 1, octets(1, 0, 1, 8, 0, 255)).text).toMatch(/^1\.0\.1\.8\.0\.255 \(.+\)$/);
    expect(attributeView(1, 2, { type: 'bit-string', bitLength: 8, bytes: new Uint8Array([0x41]) }).flags).toEqual(['bit 1', 'bit 7']);
    const secret = attributeView(15, 7, { type: 'octet-string', value: new TextEncoder().encode('12345678') });
    expect(secret.kind).toBe('secret');
    expect(JSON.stringify(secret)).not.toContain('12345678');
  });

  it('keeps the value when the shape is not the class definition (nothing lost, nothing mistyped)', () => {
    const v = attributeView(3, 3, u16(7));
    expect(v.kind).toBe('error');
    expect(v.children![0]).toMatchObject({ kind: 'number', value: 7 });
    expect(viewText(v)).toContain('7');
  });

  it('gives a view for any DlmsData of any attribute of any known class, never a throw', () => {
    const classIds = [...knownClasses().map((c) => c.id), 9999];
    const check = (n: ViewNode, depth = 0): void => {
      expect(typeof n.text).toBe('string');
      expect(depth).toBeLessThan(20);
      for (const c of n.children ?? []) check(c, depth + 1);
    };
    fc.assert(
      fc.property(dlmsData, fc.constantFrom(...classIds), fc.integer({ min: 1, max: 12 }), fc.option(fc.record({ scaler: fc.integer({ min: -20, max: 20 }), unit: fc.integer({ min: 0, max: 255 }) }), { nil: undefined }), (d, classId, attr, scaler) => {
        try {
          const v = attributeView(classId, attr, d, scaler ? { scaler } : {});
          check(v);
          // Structured-clone safe: what crosses to the UI.
          expect(structuredClone(v)).toEqual(v);
        } catch (e) {
          expect(e).toBeInstanceOf(MeterError);
        }
      }),
      { numRuns: 600 },
    );
  });
});

describe('association attributes', () => {
  it('names the conformance services, the application context and the authentication mechanism', () => {
    const ctx = attributeView(15, 5, s({ type: 'bit-string', bitLength: 24, bytes: new Uint8Array([0x00, 0x10, 0x1c]) }, u16(512), u16(512), { type: 'uint8', value: 6 }, { type: 'int8', value: 0 }, octets()));
    expect(ctx.kind).toBe('structure');
    expect(ctx.children![0]).toMatchObject({ label: 'conformance', flags: ['block-transfer-with-get-or-read', 'get', 'set', 'selective-access'] });
    expect(attributeView(15, 4, octets(0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01)).text).toBe('LN referencing, no ciphering (1)');
    expect(attributeView(15, 6, octets(0x60, 0x85, 0x74, 0x05, 0x08, 0x02, 0x05)).text).toBe('high level GMAC (5)');
    expect(attributeView(15, 6, octets(0x60, 0x85, 0x74, 0x05, 0x08, 0x02, 0x09)).kind).toBe('error');
    expect(attributeView(15, 4, s(u16(2), u16(16))).kind).toBe('structure');
  });
});
