import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError, ProtocolError } from '../../core/errors';
import type { DlmsData } from '../dlms/axdr/types';
import { dlmsData } from './dlms-data.arbitrary';
import {
  convertNumberType,
  cosemDateTimeToEpochMs,
  dateTimeValueToEpochMs,
  decodeDateTimeBytes,
  encodeCosemDateTime,
  epochMsToCosemDateTime,
  NUMBER_TYPES,
  octetsToText,
  parseCosemDateTimeBytes,
  formatCosemDateTimeIso,
  readingParts,
  toPlainAttributeValue,
  toPlainValue,
} from './values';

// 2024-03-01 (Friday) 12:34:56.78, deviation -60 (CET, standard sign), status 0x80 (DST off? raw).
const CET = new Uint8Array([0x07, 0xe8, 3, 1, 5, 12, 34, 56, 78, 0xff, 0xc4, 0x00]);

describe('COSEM date-time', () => {
  it('splits 12 bytes into fields', () => {
    expect(parseCosemDateTimeBytes(CET)).toEqual({
      year: 2024, month: 3, day: 1, dayOfWeek: 5, hour: 12, minute: 34, second: 56, hundredths: 78, deviation: -60, clockStatus: 0,
    });
  });

  it('gives epoch ms honouring the deviation (UTC = local + deviation)', () => {
    expect(decodeDateTimeBytes(CET)).toBe(Date.UTC(2024, 2, 1, 11, 34, 56, 780));
    expect(decodeDateTimeBytes(CET, { deviationSign: 'inverted' })).toBe(Date.UTC(2024, 2, 1, 13, 34, 56, 780));
  });

  it('treats "not specified" fields', () => {
    const b = new Uint8Array([0x07, 0xe8, 3, 1, 0xff, 12, 0, 0xff, 0xff, 0x80, 0x00, 0xff]);
    expect(parseCosemDateTimeBytes(b)).toEqual({ year: 2024, month: 3, day: 1, hour: 12, minute: 0 });
    expect(decodeDateTimeBytes(b)).toBe(Date.UTC(2024, 2, 1, 12, 0, 0));
    expect(decodeDateTimeBytes(b, { assumeDeviation: -120 })).toBe(Date.UTC(2024, 2, 1, 10, 0, 0));
    expect(decodeDateTimeBytes(new Uint8Array(12).fill(0xff))).toBeNull();
    // Yearly recurring date (year not specified) is not an instant.
    expect(cosemDateTimeToEpochMs({ month: 12, day: 25, hour: 0, minute: 0 })).toBeNull();
    // 31 February is rejected rather than rolled into March.
    expect(cosemDateTimeToEpochMs({ year: 2023, month: 2, day: 31, hour: 0, minute: 0 })).toBeNull();
  });

  it('decodes raw bytes exactly as the field-based conversion does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.constantFrom<'standard' | 'inverted'>('standard', 'inverted'), (b, sign) => {
        const opts = { deviationSign: sign, assumeDeviation: 30 };
        expect(decodeDateTimeBytes(b, opts)).toBe(cosemDateTimeToEpochMs(parseCosemDateTimeBytes(b), opts));
      }),
    );
    expect(decodeDateTimeBytes(new Uint8Array([0x07, 0xe8, 2, 29, 0xff, 0, 0, 0, 0, 0, 0, 0]))).toBe(Date.UTC(2024, 1, 29));
    expect(decodeDateTimeBytes(new Uint8Array([0x07, 0xe7, 2, 29, 0xff, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
  });

  it('throws FRAMING for a wrong length', () => {
    expect(() => parseCosemDateTimeBytes(new Uint8Array(11))).toThrow(expect.objectContaining({ code: 'FRAMING' }));
  });

  it('encodes and decodes an instant in any deviation', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), fc.integer({ min: -720, max: 720 }), (ms0, dev) => {
        const ms = ms0 - (ms0 % 10);
        const bytes = encodeCosemDateTime(epochMsToCosemDateTime(ms, dev));
        expect(decodeDateTimeBytes(bytes)).toBe(ms);
        expect(parseCosemDateTimeBytes(bytes).deviation).toBe(dev);
      }),
    );
  });
});

describe('toPlainValue', () => {
  it('converts numbers, 64-bit values and strings', () => {
    expect(toPlainValue({ type: 'uint32', value: 123456 })).toBe(123456);
    expect(toPlainValue({ type: 'int64', value: -5n })).toBe(-5);
    expect(toPlainValue({ type: 'uint64', value: 2n ** 64n - 1n })).toBe('18446744073709551615');
    expect(toPlainValue({ type: 'visible-string', value: 'abc' })).toBe('abc');
    expect(toPlainValue({ type: 'null' })).toBeNull();
    expect(toPlainValue({ type: 'boolean', value: true })).toBe(true);
    expect(toPlainValue({ type: 'bit-string', bitLength: 5, bytes: new Uint8Array([0b10110000]) })).toBe('10110');
  });

  it('shows octet-strings as text when printable, else hex', () => {
    expect(toPlainValue({ type: 'octet-string', value: new TextEncoder().encode('12345678') })).toBe('12345678');
    expect(toPlainValue({ type: 'octet-string', value: new Uint8Array([1, 0, 1, 8, 0, 255]) })).toBe('0100010800FF');
    expect(octetsToText(new Uint8Array())).toBe('');
  });

  it('recognises a 12-byte date-time where the class says so', () => {
    // The meter's local time with its deviation as the ISO offset (CET: deviation -60 → +01:00).
    expect(toPlainValue({ type: 'octet-string', value: CET }, { dateTime: true })).toBe('2024-03-01T12:34:56.78+01:00');
    expect(toPlainValue({ type: 'octet-string', value: CET })).toBe('07E80301050C22384EFFC400');
    const d: DlmsData = { type: 'date', value: { month: 12, day: 25 }, raw: new Uint8Array(5) };
    expect(toPlainValue(d)).toBe('****-12-25');
    expect(toPlainAttributeValue(8, 2, { type: 'octet-string', value: CET })).toBe('2024-03-01T12:34:56.78+01:00');
    expect(Date.parse(toPlainAttributeValue(8, 2, { type: 'octet-string', value: CET }) as string)).toBe(Date.UTC(2024, 2, 1, 11, 34, 56, 780));
    expect(toPlainAttributeValue(1, 2, { type: 'octet-string', value: CET })).toBe('07E80301050C22384EFFC400');
    expect(dateTimeValueToEpochMs({ type: 'octet-string', value: CET })).toBe(Date.UTC(2024, 2, 1, 11, 34, 56, 780));
  });

  it('converts structures recursively', () => {
    expect(toPlainValue({ type: 'structure', items: [{ type: 'int8', value: -2 }, { type: 'enum', value: 30 }] })).toEqual([-2, 30]);
  });

  it('never throws on any DlmsData', () => {
    fc.assert(
      fc.property(dlmsData, fc.boolean(), (d, dateTime) => {
        toPlainValue(d, { dateTime });
      }),
    );
  });
});

describe('convertNumberType', () => {
  it('converts to the configured type', () => {
    expect(convertNumberType({ type: 'uint16', value: 500 }, 'INT16')).toBe(500);
    expect(convertNumberType({ type: 'float32', value: 1.5 }, 'DOUBLE')).toBe(1.5);
    expect(convertNumberType('0147238.4', 'FLOAT')).toBe(147238.4);
    expect(convertNumberType('12,5', 'DOUBLE')).toBe(12.5);
    expect(convertNumberType('12.5', 'INT32')).toBe(13);
    expect(convertNumberType(-12.5, 'INT32')).toBe(-13);
    expect(convertNumberType({ type: 'uint64', value: 2n ** 64n - 1n }, 'UINT64')).toBe('18446744073709551615');
    expect(convertNumberType('9223372036854775807', 'INT64')).toBe('9223372036854775807');
    expect(convertNumberType({ type: 'boolean', value: true }, 'DIGITAL')).toBe(1);
    expect(convertNumberType(0, 'DIGITAL')).toBe(0);
    expect(convertNumberType({ type: 'octet-string', value: new TextEncoder().encode('LGZ123') }, 'STRING')).toBe('LGZ123');
    expect(convertNumberType({ type: 'int32', value: -7 }, 'STRING')).toBe('-7');
  });

  it('rejects values out of range or of the wrong kind with TYPE_MISMATCH', () => {
    const cases: [Parameters<typeof convertNumberType>[0], (typeof NUMBER_TYPES)[number]][] = [
      [{ type: 'uint16', value: 40000 }, 'INT16'],
      [-1, 'UINT16'],
      [{ type: 'uint32', value: 0x80000000 }, 'INT32'],
      [2 ** 32, 'UINT32'],
      ['18446744073709551616', 'UINT64'],
      [{ type: 'int64', value: -1n }, 'UINT64'],
      [1e39, 'FLOAT'],
      [2, 'DIGITAL'],
      ['abc', 'DOUBLE'],
      [{ type: 'structure', items: [] }, 'INT32'],
      [null, 'INT16'],
    ];
    for (const [v, t] of cases) {
      expect(() => convertNumberType(v, t), `${String(v)} ${t}`).toThrow(expect.objectContaining({ code: 'TYPE_MISMATCH' }));
    }
  });

  it('gives a value or a MeterError for any DlmsData and type', () => {
    fc.assert(
      fc.property(dlmsData, fc.constantFrom(...NUMBER_TYPES), (d, t) => {
        try {
          const v = convertNumberType(d, t);
          expect(['number', 'string']).toContain(typeof v);
        } catch (e) {
          expect(e).toBeInstanceOf(MeterError);
        }
      }),
    );
  });
});

describe('date-time as users read it (ISO 8601 with the meter\'s deviation)', () => {
  it('prints local time and the deviation as the offset, either sign convention', () => {
    const b = new Uint8Array([0x07, 0xe8, 3, 0x0f, 5, 12, 34, 56, 0, 0xff, 0xc4, 0]); // the 07E8030F050C223800FFC400
    expect(formatCosemDateTimeIso(parseCosemDateTimeBytes(b))).toBe('2024-03-15T12:34:56+01:00');
    expect(formatCosemDateTimeIso(parseCosemDateTimeBytes(b), { deviationSign: 'inverted' })).toBe('2024-03-15T12:34:56-01:00');
    expect(formatCosemDateTimeIso({ year: 2026, month: 7, day: 1, hour: 0, minute: 0, second: 0, deviation: 0 })).toBe('2026-07-01T00:00:00+00:00');
    expect(formatCosemDateTimeIso({ year: 2026, month: 7, day: 1, hour: 0, minute: 0, deviation: 330 })).toBe('2026-07-01T00:00:00-05:30');
  });

  it('leaves the offset out when the meter does not give one (unless told what to assume)', () => {
    const dt = { year: 2024, month: 3, day: 1, hour: 12, minute: 0 };
    expect(formatCosemDateTimeIso(dt)).toBe('2024-03-01T12:00:00');
    expect(formatCosemDateTimeIso(dt, { assumeDeviation: -120 })).toBe('2024-03-01T12:00:00+02:00');
  });

  it('prints patterns with * and wildcards in words', () => {
    expect(formatCosemDateTimeIso({ month: 12, day: 25, hour: 0, minute: 0, second: 0 })).toBe('****-12-25T00:00:00');
    expect(formatCosemDateTimeIso({ month: 0xfe, day: 0xfe, hour: 2, minute: 0, second: 0, deviation: -60 })).toBe('****-(DST begin)-(last)T02:00:00+01:00');
  });

  it('refuses fields out of range with TYPE_MISMATCH', () => {
    for (const dt of [{ month: 13 }, { day: 0 }, { hour: 24 }, { minute: 60 }, { second: 61 }, { hundredths: 100 }, { deviation: 900 }, { year: 2023, month: 2, day: 29 }, { dayOfWeek: 8 }]) {
      expect(() => formatCosemDateTimeIso(dt), JSON.stringify(dt)).toThrow(expect.objectContaining({ code: 'TYPE_MISMATCH' }));
    }
  });

  it('gives ISO text or a ProtocolError for any 12 bytes, and text that names the same instant', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (b) => {
        let text: string;
        try {
          text = formatCosemDateTimeIso(parseCosemDateTimeBytes(b));
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
          return;
        }
        expect(text).toMatch(/^(\d{4}|\*{4})-(\d\d|\*\*|\(DST (begin|end)\))-(\d\d|\*\*|\((last|2nd last)\))T(\d\d|\*\*):(\d\d|\*\*):(\d\d|\*\*)(\.\d\d)?([+-]\d\d:\d\d)?$/);
        const ms = decodeDateTimeBytes(b);
        if (ms !== null && /[+-]\d\d:\d\d$/.test(text)) expect(Date.parse(text.replace(/\.(\d\d)([+-])/, '.$10$2'))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same instant as the epoch conversion whenever the deviation is given', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), fc.integer({ min: -720, max: 720 }), (ms, dev) => {
        const dt = epochMsToCosemDateTime(Math.floor(ms / 10) * 10, dev);
        expect(Date.parse(formatCosemDateTimeIso(dt).replace(/\.(\d\d)([+-])/, '.$10$2'))).toBe(cosemDateTimeToEpochMs(dt));
      }),
    );
  });
});

describe('readingParts (what a DLMS reading holds)', () => {
  const CLOCK = new Uint8Array([0x07, 0xe8, 3, 0x0f, 5, 12, 34, 56, 0, 0xff, 0xc4, 0]);

  it('turns a class date-time attribute into ISO text and keeps the bytes in raw', () => {
    expect(readingParts(8, 2, { type: 'octet-string', value: CLOCK })).toEqual({ value: '2024-03-15T12:34:56+01:00', raw: '07E8030F050C223800FFC400' });
    expect(readingParts(4, 5, { type: 'octet-string', value: CLOCK }).value).toBe('2024-03-15T12:34:56+01:00');
    expect(readingParts(1, 2, { type: 'date-time', value: parseCosemDateTimeBytes(CLOCK), raw: CLOCK }).raw).toBe('07E8030F050C223800FFC400');
    expect(readingParts(8, 2, { type: 'octet-string', value: CLOCK }, undefined, 'STRING').value).toBe('2024-03-15T12:34:56+01:00');
  });

  it('is an error, not a good hex string, when a date-time attribute is not a date-time', () => {
    const bad = new Uint8Array(CLOCK);
    bad[2] = 13;
    expect(() => readingParts(8, 2, { type: 'octet-string', value: bad })).toThrow(expect.objectContaining({ code: 'TYPE_MISMATCH' }));
    expect(() => readingParts(8, 2, { type: 'octet-string', value: new Uint8Array(5) })).toThrow(expect.objectContaining({ code: 'TYPE_MISMATCH' }));
    expect(() => readingParts(8, 2, { type: 'uint32', value: 5 })).toThrow(expect.objectContaining({ code: 'TYPE_MISMATCH' }));
  });

  it("keeps the scaler's decimals", () => {
    expect(readingParts(3, 2, { type: 'uint16', value: 5000 }, { value: 50, scaler: -2 })).toEqual({ value: 50, decimals: 2 });
    expect(readingParts(3, 2, { type: 'uint16', value: 5000 }, { value: 50000, scaler: 1 })).toEqual({ value: 50000, decimals: 0 });
    expect(readingParts(3, 2, { type: 'uint16', value: 5000 }, { value: 50, scaler: -2 }, 'FLOAT')).toEqual({ value: 50, decimals: 2 });
    expect(readingParts(3, 2, { type: 'uint16', value: 5000 }, { value: 50, scaler: -2 }, 'INT32')).toEqual({ value: 50 });
  });

  it('gives parts or a MeterError for any DlmsData, class and attribute', () => {
    fc.assert(
      fc.property(dlmsData, fc.constantFrom(1, 3, 4, 5, 8, 20, 7), fc.integer({ min: 1, max: 10 }), (d, classId, attribute) => {
        try {
          const p = readingParts(classId, attribute, d);
          expect(['number', 'string', 'boolean', 'object']).toContain(typeof p.value);
        } catch (e) {
          expect(e).toBeInstanceOf(MeterError);
        }
      }),
    );
  });
});
