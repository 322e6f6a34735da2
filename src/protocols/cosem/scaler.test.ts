import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError, ProtocolError } from '../../core/errors';
import type { DlmsData } from '../dlms/axdr/types';
import { dlmsData } from './dlms-data.arbitrary';
import { applyScaler, decodeScalerUnit, scaleBigIntToString, ScalerCache, scaleFloat, scaleInteger } from './scaler';

const su = (scaler: number, unit: number): DlmsData => ({ type: 'structure', items: [{ type: 'int8', value: scaler }, { type: 'enum', value: unit }] });

describe('applyScaler', () => {
  it('scales integers exactly', () => {
    expect(applyScaler({ type: 'uint32', value: 3 }, su(-1, 30))).toEqual({ value: 0.3, unit: 'Wh', scaler: -1 });
    expect(applyScaler({ type: 'uint32', value: 1472384 }, su(-1, 30)).value).toBe(147238.4);
    expect(applyScaler({ type: 'int16', value: -12345 }, su(-2, 35)).value).toBe(-123.45);
    expect(applyScaler({ type: 'uint16', value: 2305 }, su(-1, 35))).toEqual({ value: 230.5, unit: 'V', scaler: -1 });
    expect(applyScaler({ type: 'uint32', value: 17 }, su(3, 30)).value).toBe(17000);
    expect(applyScaler({ type: 'uint8', value: 5 }, su(0, 255))).toEqual({ value: 5, unit: '', scaler: 0 });
    expect(applyScaler({ type: 'uint32', value: 1 }, su(-3, 27)).value).toBe(0.001);
  });

  it('keeps 64-bit values beyond 2^53 exact as decimal text', () => {
    expect(applyScaler({ type: 'uint64', value: 18446744073709551615n }, su(-3, 30)).value).toBe('18446744073709551.615');
    expect(applyScaler({ type: 'int64', value: -9007199254740993n }, su(0, 30)).value).toBe('-9007199254740993');
    expect(applyScaler({ type: 'uint64', value: 12345n }, su(-2, 30)).value).toBe(123.45);
    expect(applyScaler({ type: 'uint64', value: 9007199254740993n }, su(2, 30)).value).toBe('900719925474099300');
  });

  it('scales floats without binary artefacts', () => {
    expect(applyScaler({ type: 'float32', value: 0.5 }, su(-1, 27)).value).toBe(0.05);
    expect(applyScaler({ type: 'float64', value: 0.1 }, su(1, 27)).value).toBe(1);
    expect(scaleFloat(3, -1)).toBe(0.3);
  });

  it('passes text through and rejects other shapes', () => {
    expect(applyScaler({ type: 'visible-string', value: 'n/a' }, su(0, 255)).value).toBe('n/a');
    expect(() => applyScaler({ type: 'null' }, su(0, 30))).toThrow(ProtocolError);
    expect(() => applyScaler({ type: 'uint8', value: 1 }, { type: 'array', items: [] })).toThrow(ProtocolError);
    expect(() => applyScaler({ type: 'uint8', value: 1 }, { type: 'structure', items: [{ type: 'null' }, { type: 'enum', value: 30 }] })).toThrow(/not an integer/);
  });

  it('reads an unsigned-encoded negative scaler as signed', () => {
    expect(decodeScalerUnit({ type: 'structure', items: [{ type: 'uint8', value: 0xff }, { type: 'enum', value: 35 }] })).toEqual({ scaler: -1, unit: 35 });
  });

  it('agrees with exact decimal arithmetic for any integer and scaler', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), fc.integer({ min: -30, max: 30 }), (v, s) => {
        const exact = scaleBigIntToString(v, s);
        const r = scaleInteger(v, s);
        if (typeof r === 'string') expect(r).toBe(exact);
        else expect(r).toBe(Number(exact));
        if (Number.isSafeInteger(Number(v))) {
          const r2 = scaleInteger(Number(v), s);
          if (typeof r2 === 'string') expect(r2).toBe(exact);
          else expect(r2).toBe(Number(exact));
        }
      }),
    );
    expect(scaleBigIntToString(5n, -3)).toBe('0.005');
    expect(scaleBigIntToString(-1500n, -3)).toBe('-1.5');
    expect(scaleBigIntToString(0n, 4)).toBe('0');
  });

  it('gives a value or a typed error for any DlmsData', () => {
    fc.assert(
      fc.property(dlmsData, dlmsData, (v, s) => {
        try {
          const r = applyScaler(v, s);
          expect(['number', 'string']).toContain(typeof r.value);
        } catch (e) {
          expect(e).toBeInstanceOf(MeterError);
        }
      }),
    );
  });
});

describe('ScalerCache', () => {
  it('stores per meter and OBIS, and invalidates', async () => {
    const cache = new ScalerCache();
    cache.set('m1', '1.0.1.8.0.255', { scaler: -1, unit: 30 });
    cache.set('m1', '1.0.32.7.0.255', { scaler: -1, unit: 35 });
    cache.set('m2', '1.0.1.8.0.255', { scaler: 0, unit: 30 });
    expect(cache.get('m1', '1-0:1.8.0')).toEqual({ scaler: -1, unit: 30 });
    expect(cache.get('m1', new Uint8Array([1, 0, 1, 8, 0, 255]))).toEqual({ scaler: -1, unit: 30 });
    expect(cache.get('m2', '1.0.1.8.0.255')).toEqual({ scaler: 0, unit: 30 });
    cache.invalidate('m1', '1.0.1.8.0.255');
    expect(cache.has('m1', '1.0.1.8.0.255')).toBe(false);
    expect(cache.has('m1', '1.0.32.7.0.255')).toBe(true);
    cache.invalidate('m1');
    expect(cache.size).toBe(1);

    let reads = 0;
    const read = async (): Promise<DlmsData> => {
      reads++;
      return su(-2, 33);
    };
    expect(await cache.getOrRead('m3', '1.0.31.7.0.255', read)).toEqual({ scaler: -2, unit: 33 });
    expect(await cache.getOrRead('m3', '1.0.31.7.0.255', read)).toEqual({ scaler: -2, unit: 33 });
    expect(reads).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
