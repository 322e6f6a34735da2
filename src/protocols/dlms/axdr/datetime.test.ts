import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../../core/errors';
import { fromHex, toHex } from '../hex';
import { decodeDateTime, encodeDateTime, epochMsToCosemDateTime } from './datetime';
import { cosemDateTimeToEpochMs } from '../../cosem/datetime';

describe('COSEM date-time', () => {
  it('test_time vectors: deviation -120 and -60 are UTC+2 and UTC+1 local time', () => {
    const a = decodeDateTime(fromHex('07E40101FF00030000FF8800'));
    expect(a).toEqual({ year: 2020, month: 1, day: 1, hour: 0, minute: 3, second: 0, hundredths: 0, deviation: -120, clockStatus: 0 });
    expect(cosemDateTimeToEpochMs(a)).toBe(Date.UTC(2019, 11, 31, 22, 3, 0));
    const b = decodeDateTime(fromHex('07E40106FF00030000FFC400'));
    expect(cosemDateTimeToEpochMs(b)).toBe(Date.UTC(2020, 0, 5, 23, 3, 0));
  });

  it('unspecified deviation: read as UTC unless told otherwise', () => {
    const c = decodeDateTime(fromHex('07E2020CFF00000000800000'));
    expect(c.deviation).toBeUndefined();
    expect(c.dayOfWeek).toBeUndefined();
    expect(cosemDateTimeToEpochMs(c)).toBe(Date.UTC(2018, 1, 12));
    expect(cosemDateTimeToEpochMs(c, { assumeDeviation: -60 })).toBe(Date.UTC(2018, 1, 11, 23));
    expect(toHex(encodeDateTime(c))).toBe('07E2020CFF00000000800000');
  });

  it('wildcards give no instant', () => {
    expect(cosemDateTimeToEpochMs(decodeDateTime(fromHex('FFFF0101FF00000000800000')))).toBeNull();
    expect(cosemDateTimeToEpochMs(decodeDateTime(fromHex('07E4FE01FF00000000800000')))).toBeNull();
  });

  it('too short input is a ProtocolError', () => {
    expect(() => decodeDateTime(new Uint8Array(11))).toThrow(ProtocolError);
  });

  it('epoch -> date-time -> epoch keeps the instant to the hundredth (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.integer({ min: -720, max: 720 }),
        (ms, dev) => {
          const dt = epochMsToCosemDateTime(ms, dev);
          const bytes = encodeDateTime(dt);
          expect(decodeDateTime(bytes)).toEqual(dt);
          expect(cosemDateTimeToEpochMs(dt)).toBe(ms - (ms % 10));
        },
      ),
    );
  });

  it('day of week is ISO (Monday 1 .. Sunday 7)', () => {
    expect(epochMsToCosemDateTime(Date.UTC(2024, 0, 7, 12)).dayOfWeek).toBe(7);
    expect(epochMsToCosemDateTime(Date.UTC(2024, 0, 8, 12)).dayOfWeek).toBe(1);
    expect(toHex(encodeDateTime(epochMsToCosemDateTime(Date.UTC(2024, 0, 8, 11, 0, 0), -60)))).toBe('07E80108010C000000FFC400');
  });
});

describe('A-XDR length helpers', () => {
  it('decode and encode the variable-length forms', async () => {
    const { decodeAxdrLength, encodeAxdrLength } = await import('./length');
    expect(decodeAxdrLength(fromHex('00820F0F'), 1)).toEqual({ length: 0x0f0f, next: 4 });
    expect(toHex(encodeAxdrLength(0x0f0f))).toBe('820F0F');
    expect(() => decodeAxdrLength(fromHex('8501020304'))).toThrow(ProtocolError);
  });
});
